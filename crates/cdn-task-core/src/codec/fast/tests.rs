//! The fast paths against the general decoders.
