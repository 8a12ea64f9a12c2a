//! The settings of a role to assume, as profile files write them.

use super::error::FieldProblem;
use super::fields::Fields;

/// A role to assume and how: what a `RamRoleArn`, `ChainableRamRoleArn` or `OIDC` profile (or an
/// ini `ram_role_arn` / `oidc_role_arn` section) says beyond its source of identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RoleSettings {
    /// The role (`ram_role_arn`; ini `role_arn`).
    pub role_arn: String,
    /// The session's name (`ram_session_name`, else `role_session_name`); `None`: the caller
    /// picks one.
    pub session_name: Option<String>,
    /// The session's length (`expired_seconds`); `None`: STS's default, 3600.
    pub duration_seconds: Option<u32>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `policy`.
    pub policy: Option<String>,
    /// `sts_region` (ini: `region_id`).
    pub sts_region: Option<String>,
    /// `sts_endpoint`: a host or a URL (the CLI's field; the libraries ignore it).
    pub sts_endpoint: Option<String>,
    /// `enable_vpc`: the VPC endpoint of `sts_region`.
    pub enable_vpc: bool,
}

impl RoleSettings {
    /// A role with every other setting left to defaults.
    pub fn new(role_arn: impl Into<String>) -> RoleSettings {
        RoleSettings {
            role_arn: role_arn.into(),
            ..RoleSettings::default()
        }
    }

    /// The settings of a config.json profile. The session name is read from `ram_session_name`
    /// (what the CLI writes), else `role_session_name` (what the Python library reads in OIDC
    /// mode): both are honoured, so neither writer's name is lost.
    pub(crate) fn from_json(fields: &Fields<'_>) -> Result<RoleSettings, (&'static str, FieldProblem)> {
        let session_name = match fields.optional("ram_session_name")? {
            Some(name) => Some(name),
            None => fields.optional("role_session_name")?,
        };
        Ok(RoleSettings {
            role_arn: fields.required("ram_role_arn")?.to_owned(),
            session_name: session_name.map(str::to_owned),
            duration_seconds: fields.seconds("expired_seconds")?,
            external_id: fields.optional("external_id")?.map(str::to_owned),
            policy: fields.optional("policy")?.map(str::to_owned),
            sts_region: fields.optional("sts_region")?.map(str::to_owned),
            sts_endpoint: fields.optional("sts_endpoint")?.map(str::to_owned),
            enable_vpc: fields.flag("enable_vpc")?,
        })
    }
}
