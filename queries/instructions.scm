; The extent of every instruction the grammar recognises, and every ERROR node, at the top
; level of a Dockerfile. dlint's cross-check (server/src/syntax/tree.rs) compares these
; extents with the BuildKit-faithful model, instruction by instruction.

(source_file
  [
    (add_instruction)
    (arg_instruction)
    (cmd_instruction)
    (copy_instruction)
    (cross_build_instruction)
    (entrypoint_instruction)
    (env_instruction)
    (expose_instruction)
    (from_instruction)
    (healthcheck_instruction)
    (label_instruction)
    (maintainer_instruction)
    (onbuild_instruction)
    (run_instruction)
    (shell_instruction)
    (stopsignal_instruction)
    (user_instruction)
    (volume_instruction)
    (workdir_instruction)
  ] @instruction)

(source_file (ERROR) @error)
