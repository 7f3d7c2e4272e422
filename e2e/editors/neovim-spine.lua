-- Drives Neovim 0.11 as a user would: start `sonde lsp` for the workspace,
-- open the example service, pick "Sonde: add log here" from the code actions
-- on the seed's line, request the page, and wait for the log line and the
-- lens. Reads its inputs from the environment, writes what it saw as JSON to
-- SONDE_NVIM_OUT, and exits non-zero on any failure (never hangs: every wait
-- is bounded and the whole run is wrapped in xpcall).
local env = vim.env
local out = { logs = {}, states = {} }

local function fail(msg)
  error(msg, 0)
end

local function wait(what, ms, cond)
  if not vim.wait(ms, cond, 20) then
    fail('timed out waiting for ' .. what .. ': ' .. vim.json.encode(out))
  end
end

local function has(list, pattern)
  for _, item in ipairs(list) do
    if item:match(pattern) then return true end
  end
  return false
end

local function run()
  local file = env.SONDE_FILE
  local line = tonumber(env.SONDE_LINE) -- 1-based, as a person reads it
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()

  local client_id = vim.lsp.start({
    name = 'sonde',
    cmd = { 'node', env.SONDE_BIN, 'lsp' },
    root_dir = env.SONDE_ROOT,
    init_options = { gatewayUrl = env.SONDE_GATEWAY_URL },
    handlers = {
      ['sonde/log'] = function(_, params)
        table.insert(out.logs, params.text)
      end,
      ['sonde/actionState'] = function(_, params)
        table.insert(out.states, params.state .. ':' .. tostring(params.hits))
        -- Neovim never asks for lenses by itself: pull them when Sonde says something changed.
        vim.lsp.codelens.refresh({ bufnr = buf })
      end,
    },
  }, { bufnr = buf })
  if not client_id then fail('vim.lsp.start returned nil') end
  local client = vim.lsp.get_client_by_id(client_id)
  wait('the language server to initialize', 10000, function() return client.initialized end)

  vim.api.nvim_win_set_cursor(0, { line, 0 })
  local applied = false
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      local wanted = action.title:match('^Sonde: add log') ~= nil
      if wanted then applied = true end
      return wanted
    end,
  })
  wait('the log to become active', 15000, function() return has(out.states, '^active') end)
  if not applied then fail('no "Sonde: add log here" code action was offered') end

  -- node rather than curl: node is on every machine that runs Sonde.
  local fetch = 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))'
  local body = vim.fn.system({ 'node', '-e', fetch, env.SONDE_SERVICE_URL .. '/nvim' })
  out.body = body
  wait('the log line', 15000, function() return has(out.logs, 'name=nvim') end)

  wait('the lens with one hit', 15000, function()
    for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
      if lens.range.start.line == line - 1 and lens.command and lens.command.title:match('1 hit') then
        out.lens = lens.command.title
        return true
      end
    end
    return false
  end)
end

local ok, err = xpcall(run, debug.traceback)
out.error = ok and nil or tostring(err)
local f = io.open(env.SONDE_NVIM_OUT, 'w')
f:write(vim.json.encode(out))
f:close()
vim.cmd(ok and 'qa!' or 'cquit 1')
