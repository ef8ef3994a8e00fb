; Definitions and references in a Dockerfile (grammar: tree-sitter-containerfile), for
; Neovim and Helix. A Dockerfile is one scope: the grammar has no stage nodes, and ARGs
; before the first FROM are visible to every FROM line.
(source_file) @local.scope

; ARG and ENV define variables; $VAR and ${VAR} use them. The suffix is the highlight
; Helix gives a resolved reference.
(arg_pair
  name: _ @local.definition.variable)

(env_pair
  name: _ @local.definition.variable)

(expansion
  (variable) @local.reference)

; FROM … AS name defines a stage; a later FROM name uses it.
(from_instruction
  as: (image_alias) @local.definition.label)

(image_spec
  name: (image_name) @local.reference)
