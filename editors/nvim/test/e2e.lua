-- End-to-end test of the Neovim plugin against a real `dlint lsp`, run by test/run.sh:
--
--   nvim --headless --clean -u editors/nvim/test/minimal_init.lua -l editors/nvim/test/e2e.lua
--
-- DLINT_BIN names the server binary (default: `dlint` on PATH); DLINT_E2E_LSP_START=1
-- takes the `vim.lsp.start` path (Neovim < 0.11) instead of `vim.lsp.enable`. The server runs with
-- DLINT_OFFLINE=1 and a temporary DLINT_CACHE_DIR: no network. Any failure exits non-zero.

local TIMEOUT = 15000
local passed, failed = 0, 0
local started = vim.uv.hrtime()
local lsp_start = os.getenv('DLINT_E2E_LSP_START') == '1'
local mode = lsp_start and 'vim.lsp.start' or 'vim.lsp.enable'

local function finish()
  local ms = math.floor((vim.uv.hrtime() - started) / 1e6)
  io.stdout:write(('nvim e2e (%s): %d passed, %d failed (%d ms)\n'):format(mode, passed, failed, ms))
  io.stdout:flush()
  -- `cquit` is the exit status the shell sees; stop the server first so it is not orphaned.
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  if failed > 0 then
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

--- Record one check; a failed check ends the run (later ones depend on it).
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. name .. '\n')
  else
    failed = failed + 1
    io.stderr:write('FAIL ' .. name .. (detail and (': ' .. detail) or '') .. '\n')
    finish()
  end
end

local function wait(name, cond, detail)
  local ok = vim.wait(TIMEOUT, cond, 20)
  check(name, ok, ok and nil or (type(detail) == 'function' and detail() or detail or 'timed out'))
end

local function label_text(hint)
  if type(hint.label) == 'string' then
    return hint.label
  end
  local parts = {}
  for _, part in ipairs(hint.label) do
    parts[#parts + 1] = part.value
  end
  return table.concat(parts)
end

local ok, err = xpcall(function()
  -- plugin/dlint.lua was loaded by minimal_init.lua without setup().
  check(':DlintLayers exists before setup()', vim.fn.exists(':DlintLayers') == 2)

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local cache = dir .. '/cache'
  vim.fn.mkdir(cache, 'p')
  local project = dir .. '/project'
  vim.fn.mkdir(project, 'p')
  vim.fn.writefile({ '[registry]', 'offline = true' }, project .. '/.dlint.toml')
  local dockerfile = project .. '/Dockerfile'
  vim.fn.writefile({ 'FROM alpine:3.20', 'RUN apk add curl' }, dockerfile)

  local dlint = require('dlint')
  dlint.setup({
    cmd = { os.getenv('DLINT_BIN') or 'dlint', 'lsp' },
    cmd_env = { DLINT_OFFLINE = '1', DLINT_CACHE_DIR = cache },
    -- SE001 (unpinned tag) would fire on this file: ignoring it shows settings arrive.
    settings = { rules = { ignore = { 'SE001' } } },
    use_lsp_start = lsp_start,
  })
  if vim.lsp.is_enabled then
    check('started through ' .. mode, vim.lsp.is_enabled('dlint') == not lsp_start)
  end

  -- Filetype detection: every Dockerfile name, and not BuildKit's ignore files.
  for _, name in ipairs({
    'Dockerfile',
    'dockerfile',
    'Dockerfile.dev',
    'Dockerfile.prod.json',
    'app.Dockerfile',
    'app.dockerfile',
    'Containerfile',
    'Containerfile.build',
    'base.Containerfile',
  }) do
    local ft = vim.filetype.match({ filename = '/src/' .. name })
    check('filetype of ' .. name, ft == 'dockerfile', tostring(ft))
  end
  for _, name in ipairs({ 'Dockerfile.dockerignore', 'Makefile', 'Dockerfiles' }) do
    local ft = vim.filetype.match({ filename = '/src/' .. name })
    check('filetype of ' .. name, ft ~= 'dockerfile', tostring(ft))
  end

  vim.cmd.edit(vim.fn.fnameescape(dockerfile))
  local buf = vim.api.nvim_get_current_buf()
  check('buffer filetype is dockerfile', vim.bo[buf].filetype == 'dockerfile', vim.bo[buf].filetype)

  local client
  wait('dlint attaches', function()
    client = dlint.client(buf)
    return client ~= nil and client.initialized
  end)
  check(
    'root_dir is the directory with .dlint.toml',
    vim.fs.normalize(client.config.root_dir or '') == vim.fs.normalize(project),
    tostring(client.config.root_dir)
  )

  -- Diagnostics: SZ003 on line 2 (0-based 1); SE001 ignored by the settings.
  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'dlint' or d.code then
        out[tostring(d.code)] = d
      end
    end
    return out
  end
  wait('SZ003 published', function()
    return codes().SZ003 ~= nil
  end, function()
    return vim.inspect(vim.diagnostic.get(buf))
  end)
  local sz003 = codes().SZ003
  check('SZ003 is on line 2', sz003.lnum == 1, tostring(sz003.lnum))
  check('settings reach the server (SE001 ignored)', codes().SE001 == nil, vim.inspect(codes()))

  -- Hover on the FROM image.
  local hover = client:request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 0, character = 7 },
  }, TIMEOUT, buf)
  local contents = hover and hover.result and hover.result.contents
  local markdown = type(contents) == 'table' and (contents.value or '') or tostring(contents)
  check('hover on FROM image answers', markdown ~= '', vim.inspect(hover))
  check('hover mentions layers', markdown:lower():find('layer', 1, true) ~= nil, markdown)
  check('hover cites the catalogue', markdown:lower():find('catalogue', 1, true) ~= nil, markdown)

  -- Inlay hints, as Neovim itself fetched them (the plugin enabled them on attach).
  check('inlay hints enabled', vim.lsp.inlay_hint.is_enabled({ bufnr = buf }))
  local labels = {}
  wait('inlay hints arrive', function()
    labels = {}
    for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
      labels[#labels + 1] = label_text(item.inlay_hint)
    end
    return #labels > 0
  end)
  local all = table.concat(labels, ' | ')
  check('an inlay hint gives a layer size (+…)', all:find('+', 1, true) ~= nil, all)
  check('an inlay hint gives the base compressed size', all:find('base .- compressed') ~= nil, all)

  -- Code actions on line 2: the SZ003 quick fix, then apply it.
  local lsp_diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { lnum = 1 })) do
    lsp_diags[#lsp_diags + 1] = d.user_data and d.user_data.lsp or nil
  end
  local response = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 16 } },
    context = { diagnostics = lsp_diags },
  }, TIMEOUT, buf)
  local actions = response and response.result or {}
  local titles = {}
  local fix, ignore
  for _, action in ipairs(actions) do
    titles[#titles + 1] = action.title
    if action.kind == 'quickfix' and action.title:find('--no-cache', 1, true) then
      fix = action
    end
    if action.title:find('Ignore SZ003', 1, true) then
      ignore = action
    end
  end
  local listed = table.concat(titles, ' | ')
  check('a quick fix adds --no-cache', fix ~= nil, listed)
  check('an action ignores SZ003', ignore ~= nil, listed)
  if not fix.edit then
    local resolved = client:request_sync('codeAction/resolve', fix, TIMEOUT, buf)
    fix = resolved and resolved.result or fix
  end
  check('the quick fix carries an edit', fix.edit ~= nil, vim.inspect(fix))
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  local line = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
  check('the fix rewrote line 2', line == 'RUN apk add --no-cache curl', line)
  wait('SZ003 clears after the fix', function()
    return codes().SZ003 == nil
  end, function()
    return vim.inspect(codes())
  end)

  -- :DlintLayers opens the layer cake in a scratch buffer.
  vim.cmd('DlintLayers')
  local cake
  wait(':DlintLayers opens a dlintlayers buffer', function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.bo[b].filetype == 'dlintlayers' then
        cake = b
        return true
      end
    end
    return false
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(cake, 0, -1, false), '\n')
  check('the layer cake shows Stage 0', text:find('Stage 0', 1, true) ~= nil, text)
  check('the layer cake shows the fixed RUN', text:find('--no-cache', 1, true) ~= nil, text)
  check('the layer cake buffer is a scratch buffer', vim.bo[cake].buftype == 'nofile')
  check('the layer cake buffer is read-only', not vim.bo[cake].modifiable)
end, debug.traceback)

if not ok then
  failed = failed + 1
  io.stderr:write('FAIL error: ' .. tostring(err) .. '\n')
end
finish()
