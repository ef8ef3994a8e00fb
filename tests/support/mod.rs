//! Test helpers for the registry suite: a real `docker-registry` process on loopback, a
//! token issuer it trusts, scriptable fake HTTP servers, and an image builder + pusher that
//! speaks the registry's push API. Everything listens on 127.0.0.0/8 only.

pub mod fake;
pub mod image;
pub mod registry;
pub mod token;
