-- dlint's configuration for `vim.lsp.config` (Neovim 0.11+): with this plugin on the
-- runtimepath, `vim.lsp.enable('dlint')` is enough. Override any field with
-- `vim.lsp.config('dlint', { settings = { dlint = { … } } })`, or use
-- `require('dlint').setup({ … })`, which also adds filetype detection.
return require('dlint').config()
