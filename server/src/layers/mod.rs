//! The layer model: stages, what each instruction does to the image, what its cache
//! depends on, and how big its layer will be.

pub mod analysis;
pub mod apt;
mod apt_data;
pub mod context;
pub mod dockerignore;
pub mod report;
pub mod size;
pub mod vars;

pub use analysis::{Analysis, Base, CacheInput, LayerKind, Options, StageInfo, Step, analyze};
pub use size::{Confidence, SizeEstimate};
