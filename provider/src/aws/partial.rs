//! The one partial-failure rule every resource follows.
//!
//! Once any part of a resource may exist, a failure hands the engine the resource's id and
//! what there is, so the engine records it and the next `pulumi up` carries on from there
//! (an update that finds each part by the name it was given). What there is comes from
//! reading the resource back from AWS, except when the operation was cancelled or timed
//! out: the engine then waits only a moment, so no AWS call is made and the state the
//! resource knows without asking (`known`) is reported instead. `known` is also the answer
//! when the read fails or finds nothing.

use std::future::Future;

use pulumi_provider::Ctx;
use serde::Serialize;

use crate::error::{Error, Result};

/// The error that reports `cause` with the state of the half-made resource `id`.
pub async fn report<S: Serialize>(
    ctx: &Ctx,
    id: &str,
    cause: Error,
    known: S,
    read: impl Future<Output = Result<Option<S>>>,
) -> Error {
    let state = if ctx.cancellation().is_cancelled() {
        known
    } else {
        match read.await {
            Ok(Some(state)) => state,
            _ => known,
        }
    };
    pulumi_provider::Error::partial(id, &state, cause).into()
}

#[cfg(test)]
#[path = "partial_tests.rs"]
mod tests;
