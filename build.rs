//! Encodes the shipped Debian package index (`server/data/apt-bookworm-amd64.txt`) in the
//! binary form the library reads in place (see `server/src/layers/apt_data.rs`).

use std::path::PathBuf;

#[path = "server/src/layers/apt_data.rs"]
mod apt_data;

const INDEX: &str = "server/data/apt-bookworm-amd64.txt";

fn main() {
    println!("cargo::rerun-if-changed={INDEX}");
    println!("cargo::rerun-if-changed=server/src/layers/apt_data.rs");
    let text = match std::fs::read_to_string(INDEX) {
        Ok(text) => text,
        Err(err) => {
            println!("cargo::error={INDEX}: {err}");
            return;
        }
    };
    let bytes = match apt_data::encode(&text) {
        Ok(bytes) => bytes,
        Err(err) => {
            println!("cargo::error={INDEX}: {err}");
            return;
        }
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    if let Err(err) = std::fs::write(out.join("apt-index.bin"), bytes) {
        println!("cargo::error=cannot write the apt index to OUT_DIR: {err}");
    }
}
