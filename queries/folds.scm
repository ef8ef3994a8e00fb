; What the editor can fold in a Dockerfile (server/src/lsp/navigation.rs): every
; instruction (only those over several lines become folds), heredoc bodies, and comment
; lines (consecutive ones are folded together).

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
  (heredoc_block)
] @fold

(comment) @comment
