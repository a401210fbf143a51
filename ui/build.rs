//! Compiles the Slint screens; icons and the card illustration are embedded in the binary. Debug
//! info (element ids and types) is emitted so Slint's testing API can find elements.

fn main() -> Result<(), slint_build::CompileError> {
    let config = slint_build::CompilerConfiguration::new()
        .embed_resources(slint_build::EmbedResourcesKind::EmbedFiles)
        .with_debug_info(true);
    slint_build::compile_with_config("ui/app.slint", config)
}
