-- dlint's tree-sitter queries (queries/*.scm, linked under editors/nvim/queries/
-- containerfile/) in a real Neovim: they load, and their predicates — Vim regexes here,
-- Rust regexes in the server and Helix — select the same nodes. Run by test/run.sh:
--
--   nvim --headless --clean -u editors/nvim/test/minimal_init.lua -l editors/nvim/test/queries.lua
--
-- DLINT_CONTAINERFILE_PARSER names the compiled tree-sitter-containerfile parser (.so).

local passed, failed = 0, 0

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. name .. '\n')
  else
    failed = failed + 1
    io.stderr:write('FAIL ' .. name .. (detail and (': ' .. detail) or '') .. '\n')
  end
end

local ok, err = xpcall(function()
  local parser = assert(os.getenv('DLINT_CONTAINERFILE_PARSER'), 'DLINT_CONTAINERFILE_PARSER')
  vim.treesitter.language.add('containerfile', { path = parser })

  for _, kind in ipairs({ 'highlights', 'injections', 'locals', 'folds' }) do
    local loaded, q = pcall(vim.treesitter.query.get, 'containerfile', kind)
    check(kind .. '.scm loads from the runtimepath', loaded and q ~= nil, tostring(q))
  end

  require('dlint').setup({ treesitter = true, cmd = { 'true' } })
  local lines = {
    '# syntax=docker/dockerfile:1',
    '# a comment',
    'FROM alpine:3.20 AS build',
    'RUN <<EOF',
    'set -eu',
    'EOF',
    'COPY <<EOF /etc/app.yml',
    'port: 8080',
    'EOF',
    'CMD ["sh"]',
  }
  local buf = vim.api.nvim_create_buf(true, false)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.api.nvim_set_current_buf(buf)
  vim.bo[buf].filetype = 'dockerfile'
  check('the containerfile highlighter runs', vim.treesitter.highlighter.active[buf] ~= nil)
  vim.treesitter.get_parser(buf):parse(true)

  local function captures(row, col)
    local names = {}
    for _, c in ipairs(vim.treesitter.get_captures_at_pos(buf, row, col)) do
      names[c.capture] = true
    end
    return names
  end
  local function at(name, row, col, want, yes)
    local got = captures(row, col)
    check(name, (got[want] == true) == (yes ~= false), vim.inspect(vim.tbl_keys(got)))
  end
  at('directive is @keyword.directive', 0, 3, 'keyword.directive')
  at('directive is not @comment', 0, 3, 'comment', false)
  at('comment is @comment', 1, 3, 'comment')
  at('FROM is @keyword', 2, 0, 'keyword')
  at('stage name is @label', 2, 20, 'label')
  at('COPY heredoc marker is @label', 6, 5, 'label')
  at('COPY heredoc marker is not a path', 6, 5, 'string.special.path', false)
  at('COPY destination is a path', 6, 12, 'string.special.path')

  -- Injections, matched directly: the bash and json parsers are not bundled with Neovim.
  local query = vim.treesitter.query.get('containerfile', 'injections')
  local root = vim.treesitter.get_parser(buf):parse()[1]:root()
  local found = {}
  for _, match, metadata in query:iter_matches(root, buf) do
    for id, nodes in pairs(match) do
      if query.captures[id] == 'injection.content' then
        for _, node in ipairs(type(nodes) == 'table' and nodes or { nodes }) do
          found[#found + 1] = tostring(metadata['injection.language'])
            .. ':'
            .. vim.treesitter.get_node_text(node, buf)
        end
      end
    end
  end
  local function injected(lang, text)
    return vim.tbl_contains(found, lang .. ':' .. text)
  end
  local all = table.concat(found, ' | ')
  check('RUN heredoc body is bash', injected('bash', 'set -eu'), all)
  check('a lone heredoc marker is not bash', not injected('bash', '<<EOF'), all)
  check('COPY heredoc to .yml is yaml', injected('yaml', 'port: 8080'), all)
  check('exec form is json', injected('json', '["sh"]'), all)
end, debug.traceback)

if not ok then
  failed = failed + 1
  io.stderr:write('FAIL error: ' .. tostring(err) .. '\n')
end
io.stdout:write(('nvim queries: %d passed, %d failed\n'):format(passed, failed))
if failed > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
