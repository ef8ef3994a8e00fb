--- dlint for Neovim: starts `dlint lsp` on Dockerfiles, turns its inlay hints on, and
--- shows the layer cake (`:DlintLayers`). Every option of `setup()` is optional.
---
--- Neovim 0.11+: the server is registered with `vim.lsp.config` and started by
--- `vim.lsp.enable`. Neovim 0.10: `vim.lsp.start` on the `dockerfile` FileType.

local M = {}

--- The options `setup()` starts from; see `:help dlint-options`.
M.defaults = {
  -- The command that starts the server.
  cmd = { 'dlint', 'lsp' },
  -- Extra environment for the server, e.g. `{ DLINT_OFFLINE = '1' }`.
  cmd_env = nil,
  -- Buffers of these filetypes get the server.
  filetypes = { 'dockerfile' },
  -- The nearest directory holding one of these is the workspace root.
  root_markers = { '.dlint.toml', '.git' },
  -- Settings for the server: the `.dlint.toml` keys as a table (camelCase accepted), sent
  -- as `initializationOptions` and again by `workspace/didChangeConfiguration`.
  settings = {},
  -- Turn inlay hints (layer sizes) on in every buffer the server attaches to.
  inlay_hints = true,
  -- Detect Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile,
  -- Containerfile.* and *.Containerfile (any case) as the `dockerfile` filetype.
  filetype_detection = true,
  -- Highlight Dockerfiles with tree-sitter through dlint's own grammar and queries, when a
  -- `containerfile` parser is installed (`parser/containerfile.so` on 'runtimepath'; see
  -- `:help dlint-treesitter`). Off by default: nvim-treesitter's `dockerfile` is kept.
  treesitter = false,
  -- Where `:DlintLayers` opens its buffer: 'vertical', 'horizontal', 'tab' or 'current'.
  layers_split = 'vertical',
  -- Start the server with `vim.lsp.start` on FileType even where `vim.lsp.enable` exists
  -- (Neovim before 0.11 always does).
  use_lsp_start = false,
  -- Called as on_attach(client, bufnr) after dlint's own attach work.
  on_attach = nil,
  -- Client capabilities, merged over Neovim's defaults.
  capabilities = nil,
}

--- The options in force: the defaults until `setup()` is called.
M.options = vim.deepcopy(M.defaults)

local NAME = 'dlint'

--- Case-insensitive Lua pattern for a literal word (`dockerfile` → `[dD][oO]…`).
local function nocase(word)
  return (word:gsub('%a', function(c)
    return '[' .. c:lower() .. c:upper() .. ']'
  end))
end

--- Register the Dockerfile names with `vim.filetype.add`. BuildKit's per-Dockerfile
--- ignore files (`Dockerfile.dockerignore`) are ignore files, like `.dockerignore`.
function M.add_filetypes()
  local function dockerfile(path)
    if path:lower():match('%.dockerignore$') then
      return 'gitignore'
    end
    return 'dockerfile'
  end
  local pattern = {}
  for _, base in ipairs({ 'dockerfile', 'containerfile' }) do
    local word = nocase(base)
    -- A pattern without a `/` is matched against the file's name, anchored at both ends.
    -- Priority 10: a name such as `Dockerfile.dev` or `Dockerfile.prod.json` is a
    -- Dockerfile before its extension counts, as in `dlint check`.
    pattern[word] = { 'dockerfile', { priority = 10 } }
    pattern[word .. '%..+'] = { dockerfile, { priority = 10 } }
    pattern['.+%.' .. word] = { 'dockerfile', { priority = 10 } }
  end
  vim.filetype.add({ pattern = pattern })
end

--- Whether this Neovim has `vim.lsp.config` and `vim.lsp.enable` (0.11+).
local function has_lsp_config()
  return type(vim.lsp.config) == 'table' and type(vim.lsp.enable) == 'function'
end

--- Call a client method in the form this Neovim expects (`client:m()` from 0.11 on).
local function call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

--- Turn inlay hints on in `bufnr`.
local function enable_inlay_hints(bufnr)
  local ih = vim.lsp.inlay_hint
  if not ih or type(ih.enable) ~= 'function' then
    return
  end
  if vim.fn.has('nvim-0.10') == 1 then
    ih.enable(true, { bufnr = bufnr })
  end
end

--- The configuration of the language server, for `vim.lsp.config('dlint', …)`,
--- `vim.lsp.start` or nvim-lspconfig. `opts` defaults to the options in force.
---@param opts? table
---@return table
function M.config(opts)
  opts = opts or M.options
  local settings = vim.deepcopy(opts.settings or {})
  if next(settings) == nil then
    -- An empty Lua table is encoded as `[]`; the server wants an object.
    settings = vim.empty_dict()
  end
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if opts.capabilities then
    capabilities = vim.tbl_deep_extend('force', capabilities, opts.capabilities)
  end
  local config = {
    name = NAME,
    cmd = opts.cmd,
    cmd_env = opts.cmd_env,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    capabilities = capabilities,
    -- The server takes the settings object itself or `{ dlint = … }`.
    init_options = settings,
    settings = { dlint = settings },
    on_attach = function(client, bufnr)
      if opts.inlay_hints ~= false then
        enable_inlay_hints(bufnr)
      end
      if opts.on_attach then
        opts.on_attach(client, bufnr)
      end
    end,
  }
  return config
end

--- The workspace root of `bufnr`: the nearest directory with a root marker.
local function root_of(bufnr, markers)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' then
    return nil
  end
  if vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local found = vim.fs.find(markers, { upward = true, path = vim.fs.dirname(path) })[1]
  return found and vim.fs.dirname(found) or nil
end

local group = nil

--- Use the `containerfile` grammar (and the queries under queries/containerfile/) for the
--- Dockerfile filetypes, when its parser can be loaded. Returns whether it could.
function M.use_treesitter()
  local ok = pcall(vim.treesitter.language.add, 'containerfile')
  if not ok then
    vim.notify_once(
      'dlint: no containerfile parser on runtimepath; see :help dlint-treesitter',
      vim.log.levels.WARN
    )
    return false
  end
  for _, ft in ipairs(M.options.filetypes) do
    vim.treesitter.language.register('containerfile', ft)
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      pcall(vim.treesitter.start, args.buf, 'containerfile')
    end,
  })
  return true
end

--- Start (or re-use) the server for `bufnr`, for Neovim without `vim.lsp.enable`.
local function start(bufnr)
  local config = M.config()
  config.root_dir = root_of(bufnr, config.root_markers)
  config.root_markers = nil
  config.filetypes = nil
  return vim.lsp.start(config, { bufnr = bufnr })
end

--- Set dlint up. Every option is optional; see `:help dlint-setup`.
---@param opts? table
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- Lists are replaced, not merged index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts and opts[key] ~= nil then
      M.options[key] = opts[key]
    end
  end
  if M.options.filetype_detection ~= false then
    M.add_filetypes()
  end
  M.create_commands()

  group = vim.api.nvim_create_augroup('dlint', { clear = true })
  if M.options.treesitter then
    M.use_treesitter()
  end
  if has_lsp_config() and not M.options.use_lsp_start then
    vim.lsp.config(NAME, M.config())
    vim.lsp.enable(NAME)
  else
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.options.filetypes,
      callback = function(args)
        start(args.buf)
      end,
    })
    -- Buffers already open when setup() runs.
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if
        vim.api.nvim_buf_is_loaded(buf)
        and vim.tbl_contains(M.options.filetypes, vim.bo[buf].filetype)
      then
        start(buf)
      end
    end
  end
end

--- The dlint client attached to `bufnr`, if any.
---@param bufnr integer
function M.client(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = bufnr, name = NAME })[1]
end

--- Open `text` in a scratch buffer (`nofile`, filetype `dlintlayers`) named after `source`.
---@return integer the buffer
function M.show_layers(text, source)
  local split = M.options.layers_split or 'vertical'
  if split == 'vertical' then
    vim.cmd('vertical botright new')
  elseif split == 'horizontal' then
    vim.cmd('botright new')
  elseif split == 'tab' then
    vim.cmd('tabnew')
  else
    vim.cmd('enew')
  end
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  pcall(vim.api.nvim_buf_set_name, buf, 'dlint://layers/' .. vim.fn.fnamemodify(source, ':t'))
  vim.bo[buf].filetype = 'dlintlayers'
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, desc = 'Close the layer cake' })
  return buf
end

--- Ask the server for the layer cake of `bufnr` (`dlint/layers`) and show it in a
--- scratch buffer. `on_done(buf)`, if given, is called with the new buffer.
---@param bufnr? integer
---@param on_done? fun(buf: integer)
function M.layers(bufnr, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    vim.notify('dlint: no dlint language server attached to this buffer', vim.log.levels.ERROR)
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  local source = vim.api.nvim_buf_get_name(bufnr)
  call(client, 'request', 'dlint/layers', params, function(err, result)
    if err then
      vim.notify('dlint: dlint/layers failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= 'table' or type(result.text) ~= 'string' then
      vim.notify('dlint: the server sent no layer cake', vim.log.levels.ERROR)
      return
    end
    local buf = M.show_layers(result.text, source)
    if on_done then
      on_done(buf)
    end
  end, bufnr)
end

--- Define `:DlintLayers` (the plugin/ file does this too, without loading the module).
function M.create_commands()
  vim.api.nvim_create_user_command('DlintLayers', function()
    M.layers(0)
  end, { desc = 'dlint: show the layer cake of this Dockerfile', force = true })
end

return M
