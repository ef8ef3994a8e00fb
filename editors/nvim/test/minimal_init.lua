-- The smallest set-up that loads the plugin from this checkout: used by test/run.sh and
-- scripts/screenshot.sh (`nvim --clean -u editors/nvim/test/minimal_init.lua`).
local here = debug.getinfo(1, 'S').source:sub(2)
local plugin = vim.fn.fnamemodify(here, ':p:h:h')
vim.opt.runtimepath:prepend(plugin)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
-- Load plugin/dlint.lua as a plugin manager would (`-l` runs before plugins load).
vim.cmd('runtime! plugin/dlint.lua')
