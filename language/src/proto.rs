//! Code generated from `proto/pulumi/language.proto` (and what it imports) at build time.

#[allow(clippy::all, missing_docs)]
pub mod pulumirpc {
    tonic::include_proto!("pulumirpc");

    #[allow(clippy::all, missing_docs)]
    pub mod codegen {
        tonic::include_proto!("pulumirpc.codegen");
    }
}
