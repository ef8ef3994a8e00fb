-- dlint: defines :DlintLayers without loading the plugin's module; `require('dlint').setup()`
-- starts the language server (see `:help dlint`).
if vim.g.loaded_dlint then
  return
end
vim.g.loaded_dlint = true

vim.api.nvim_create_user_command('DlintLayers', function()
  require('dlint').layers(0)
end, { desc = 'dlint: show the layer cake of this Dockerfile' })
