#!/usr/bin/env python3
"""Independent reference for the signing vectors in this folder (Python standard library only).

Computes every expected file from the rules in API.md ("Signing"), written without looking at the
Rust code, and checks that the rules reproduce the official signatures and the requests captured
from the official Python SDK. Run it from anywhere: `python3 reference.py`. It rewrites the
generated files (canonical.txt, string-to-sign.txt, signature.txt, signed-request.txt of the
signing cases; verified.json of every case) and fails loudly if a check does not hold.
"""
import base64, hashlib, hmac, json, pathlib, urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
OFFICIAL = {
    'rpc-official-describe-dedicated-hosts': {'signature': '9NaGiOspFP5UPcwX8Iwt2YJXXuk='},
    'rpc-official-describe-regions': {'signature': 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='},
    'acs3-official-run-instances': {
        'canonical_sha256': '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
        'signature': '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'},
}
RPC_SIGNING = {'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce',
               'Timestamp', 'SecurityToken'}


def pe(text):
    return urllib.parse.quote(text, safe='-_.~', encoding='utf-8')


def canonical_query(pairs):
    return '&'.join(f'{pe(k)}={pe(v)}' for k, v in sorted(pairs))


def parse(raw):
    return urllib.parse.parse_qsl(raw, keep_blank_values=True, strict_parsing=False)


def is_form(content_type):
    return (content_type or '').split(';')[0].strip().lower() == 'application/x-www-form-urlencoded'


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def rpc_sign(method, pairs, secret):
    canonical = canonical_query(pairs)
    sts = f'{method}&{pe("/")}&{pe(canonical)}'
    mac = hmac.new((secret + '&').encode(), sts.encode(), hashlib.sha1).digest()
    return canonical, sts, base64.b64encode(mac).decode()


def acs3_sign(method, path, query_pairs, signed_headers, body, secret):
    """signed_headers: {lower-case name: [values]}"""
    names = sorted(signed_headers)
    block = ''.join(f'{n}:{",".join(sorted(v.strip() for v in signed_headers[n]))}\n' for n in names)
    canonical = '\n'.join([method, path, canonical_query(query_pairs), block, ';'.join(names), sha256(body)])
    sts = 'ACS3-HMAC-SHA256\n' + sha256(canonical.encode())
    return canonical, sts, hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest(), names


def write(path, text):
    path.write_text(text, encoding='utf-8', newline='')


def sign_case(folder, case):
    creds = case['credentials']
    if 'api_request' in case:
        api = case['api_request']
        params = [('Action', 'DescribeRefreshTaskById'), ('Version', '2018-05-10'),
                  ('Format', api['format']), ('TaskId', api['task_ids'])]
        method, path, body, content_type = 'POST', '/', b'', None
        if case['scheme'] == 'rpc':
            query = params
        else:
            action, version, query = params[0][1], params[1][1], params[2:]
    else:
        method, path = case['method'], case['path']
        query = [tuple(p) for p in case['query']]
        body, content_type = case['body'].encode(), case['content_type']
        action, version = case.get('action'), case.get('version')
    form = parse(body.decode()) if is_form(content_type) else []
    headers = {'content-type': content_type} if content_type else {}
    if case['scheme'] == 'rpc':
        query = query + [('AccessKeyId', creds['access_key_id']), ('SignatureMethod', 'HMAC-SHA1'),
                         ('SignatureVersion', '1.0'), ('SignatureNonce', case['nonce']),
                         ('Timestamp', case['timestamp'])]
        if creds['security_token']:
            query.append(('SecurityToken', creds['security_token']))
        canonical, sts, signature = rpc_sign(method, query + form, creds['access_key_secret'])
        sent_query = canonical_query(query) + '&Signature=' + pe(signature)
    else:
        signed = {'host': case['host'], 'x-acs-action': action, 'x-acs-version': version,
                  'x-acs-date': case['timestamp'], 'x-acs-signature-nonce': case['nonce'],
                  'x-acs-content-sha256': sha256(body)}
        if creds['security_token']:
            signed['x-acs-security-token'] = creds['security_token']
        signed.update(headers)
        canonical, sts, signature, names = acs3_sign(
            method, path, query, {k: [v] for k, v in signed.items()}, body, creds['access_key_secret'])
        headers = {k: v for k, v in signed.items() if k != 'host'}
        headers['authorization'] = (f'ACS3-HMAC-SHA256 Credential={creds["access_key_id"]},'
                                    f'SignedHeaders={";".join(names)},Signature={signature}')
        sent_query = canonical_query(query)
    official = OFFICIAL.get(folder.name)
    if official:
        assert signature == official['signature'], (folder.name, signature)
        if 'canonical_sha256' in official:
            assert sts.endswith(official['canonical_sha256']), (folder.name, sts)
    write(folder / 'canonical.txt', canonical)
    write(folder / 'string-to-sign.txt', sts)
    write(folder / 'signature.txt', signature)
    target = path + ('?' + sent_query if sent_query else '')
    text = f'{method} {target} HTTP/1.1\nhost: {case["host"]}\n'
    text += ''.join(f'{k}: {v}\n' for k, v in sorted(headers.items())) + '\n' + body.decode()
    write(folder / 'signed-request.txt', text)


def verify_case(folder, case):
    """Verifies signed-request.txt with the reference rules; returns the verified fields."""
    head, _, body = (folder / 'signed-request.txt').read_text(encoding='utf-8').partition('\n\n')
    lines = head.split('\n')
    method, target, _ = lines[0].split(' ')
    path, _, raw_query = target.partition('?')
    headers = [tuple(s.strip() for s in line.split(':', 1)) for line in lines[1:]]
    lower = {}
    for name, value in headers:
        lower.setdefault(name.lower(), []).append(value)
    body = body.encode()
    query = parse(raw_query)
    content_type = (lower.get('content-type') or [None])[0]
    form = parse(body.decode()) if is_form(content_type) else []
    creds = case['credentials']
    auth = (lower.get('authorization') or [''])[0]
    if auth.startswith('ACS3-HMAC-SHA256'):
        fields = dict(f.split('=', 1) for f in auth.split(' ', 1)[1].split(','))
        names = fields['SignedHeaders'].split(';')
        _, _, signature, _ = acs3_sign(method, path, query, {n: lower[n] for n in names}, body,
                                       creds['access_key_secret'])
        assert signature == fields['Signature'], (folder.name, 'ACS3 signature does not reproduce')
        params = [('Action', lower['x-acs-action'][0]), ('Version', lower['x-acs-version'][0])] + query + form
        return {'scheme': 'acs3', 'access_key_id': fields['Credential'],
                'security_token': (lower.get('x-acs-security-token') or [None])[0],
                'timestamp': lower['x-acs-date'][0], 'nonce': lower['x-acs-signature-nonce'][0],
                'parameters': params}
    pairs = query + form
    get = dict(pairs)
    _, _, signature = rpc_sign(method, [p for p in pairs if p[0] != 'Signature'], creds['access_key_secret'])
    assert signature == get['Signature'], (folder.name, 'RPC signature does not reproduce')
    return {'scheme': 'rpc', 'access_key_id': get['AccessKeyId'], 'security_token': get.get('SecurityToken'),
            'timestamp': get['Timestamp'], 'nonce': get['SignatureNonce'],
            'parameters': [p for p in pairs if p[0] not in RPC_SIGNING]}


def main():
    for folder in sorted(p for p in HERE.iterdir() if p.is_dir()):
        case = json.loads((folder / 'request.json').read_text(encoding='utf-8'))
        if 'timestamp' in case:
            sign_case(folder, case)
        verified = verify_case(folder, case)
        verified['parameters'] = [list(p) for p in verified['parameters']]
        write(folder / 'verified.json', json.dumps(verified, indent=2, ensure_ascii=False) + '\n')
        print('ok', folder.name)


if __name__ == '__main__':
    main()
