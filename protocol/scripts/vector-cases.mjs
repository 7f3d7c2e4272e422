// Inputs of the golden vectors, in proto3 JSON form. One case per message kind
// a peer must understand; values exercise every field type the schema uses.
const location = { file: 'src/server.js', line: 12, method: 'hello' };
export const vectorCases = {
  hello: {
    id: 1,
    hello: {
      agentId: 'node-7f3a', runtime: 'RUNTIME_NODE', runtimeVersion: 'v20.20.2', host: 'web-1', pid: 4242,
      appName: 'shop', appVersion: '1.4.0', tags: ['production', 'eu-west'], agentVersion: '0.1.0',
      files: [{ path: '/srv/shop/src/server.js', contentHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }],
      roots: ['/srv/shop'],
    },
  },
  action_set: {
    actionSet: {
      actions: [
        { id: 'a1', kind: 'ACTION_KIND_LOG', location, condition: 'name.length > 1', format: 'Hello {name}, {{literal}}',
          target: { tags: ['production'], runtime: 'RUNTIME_NODE' }, createdAtMs: '1764144000000', expiresAtMs: '1764147600000',
          logLevel: 'LOG_LEVEL_INFO', logDestination: 'LOG_DESTINATION_BOTH', creator: 'alice' },
        { id: 'a2', kind: 'ACTION_KIND_SNAPSHOT', location, expressions: ['cart.items'], hitLimit: 1,
          limits: { maxDepth: 3, maxFields: 20, maxCollectionItems: 100, maxStringLength: 255, maxSnapshotBytes: 32768 } },
        { id: 'a3', kind: 'ACTION_KIND_TICTOC', location, endLocation: { file: 'src/server.js', line: 20 }, metricName: 'checkout' },
        { id: 'a4', kind: 'ACTION_KIND_METRIC', location, expressions: ['cart.total'], metricName: 'cart_total',
          target: { agentIds: ['node-7f3a'], appName: 'shop' } },
        { id: 'a5', kind: 'ACTION_KIND_COUNTER', location },
      ],
    },
  },
  events: {
    events: {
      events: [
        { log: { actionId: 'a1', agentId: 'node-7f3a', timeMs: '1764144001234', text: 'Hello aa, {literal}', level: 'LOG_LEVEL_INFO' } },
        { snapshot: { actionId: 'a2', agentId: 'node-7f3a', timeMs: '1764144001235', truncated: true,
          frames: [{ function: 'hello', location, locals: [
            { name: 'name', type: 'string', value: 'aa' },
            { name: 'cart', type: 'Object', children: [{ name: 'items', type: 'Array', value: 'Array(250)', truncated: true }] }] }],
          watches: [{ name: 'cart.items', type: 'Array', value: 'Array(250)', truncated: true }] } },
        { metric: { actionId: 'a4', agentId: 'node-7f3a', name: 'cart_total', intervalStartMs: '1764144000000', intervalEndMs: '1764144010000',
          count: '3', sum: 61.5, min: 0.5, max: 42 } },
        { state: { actionId: 'a1', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_PAUSED_QUOTA',
          reason: 'Logpoint is paused due to high call rate until log quota is restored', timeMs: '1764144002000' } },
        { hits: { actionId: 'a1', agentId: 'node-7f3a', hits: '9007199254740991' } },
        { stats: { agentId: 'node-7f3a', hits: '17', droppedEvents: '2', overheadNs: '51000', activeProbes: 3 } },
      ],
    },
  },
  add_action: {
    id: 7,
    addAction: { action: { kind: 'ACTION_KIND_LOG', location: { file: 'src/server.js', line: 12 }, format: 'name={name}' } },
  },
  action_info: {
    replyTo: 7,
    actionInfo: {
      action: { id: 'a1', kind: 'ACTION_KIND_LOG', location: { file: 'src/server.js', line: 12 }, format: 'name={name}' },
      states: [{ actionId: 'a1', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_ACTIVE', timeMs: '1764144000500' }],
      totalHits: '3',
    },
  },
  error: {
    replyTo: 9,
    error: { code: 'ERROR_CODE_NOT_FOUND', message: 'no connected agent can see src/nope.js' },
  },
  file_query: { id: 3, fileQuery: { path: 'lib/util.js' } },
  file_query_result: { replyTo: 3, fileQueryResult: { candidates: ['/srv/a/lib/util.js', '/srv/b/lib/util.js'] } },
  action_removed: { actionRemoved: { actionId: 'a1' } },
  subscribe: { id: 2, subscribe: {} },
  remove_action: { id: 4, removeAction: { actionId: 'a1' } },
  ack: { replyTo: 4, ack: {} },
  hello_instance: {
    id: 1,
    hello: { agentId: 'node-7f3a', runtime: 'RUNTIME_NODE', pid: 1, instanceId: '9f1c2a7b3d4e5f60' },
  },
  list_agents: { id: 5, listAgents: {} },
  agent_list: {
    replyTo: 5,
    agentList: { agents: [{ agentId: 'node-7f3a', appName: 'shop', host: 'web-1', pid: 4242, tags: ['production'], runtimeVersion: 'v20.20.2', connected: true }] },
  },
  files_loaded: { filesLoaded: { files: [{ path: '/srv/shop/src/late.js' }] } },
  error_resource_exhausted: {
    replyTo: 11,
    error: { code: 'ERROR_CODE_RESOURCE_EXHAUSTED', message: 'the gateway already holds 10000 actions, its limit' },
  },
  action_list_part: {
    replyTo: 2,
    more: true,
    actionList: { actions: [{ action: { id: 'a1', kind: 'ACTION_KIND_LOG', location: { file: 'src/server.js', line: 12 }, format: 'name={name}' },
      totalHits: '3', totalDropped: '1', totalSuppressed: '250' }] },
  },
  hits_with_drops: {
    events: {
      events: [
        { hits: { actionId: 'a1', agentId: 'node-7f3a', hits: '1000', dropped: '12', suppressed: '700' } },
        { stats: { agentId: 'node-7f3a', hits: '1000', droppedEvents: '12', suppressed: '700', activeProbes: 1 } },
        { state: { actionId: 'a9', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_ERROR', reasonCode: 'REASON_CODE_PROBE_LIMIT',
          reason: 'this agent already holds 2000 probes, its limit; remove some', timeMs: '1764144004000' } },
      ],
    },
  },
  states_with_reason_codes: {
    events: {
      events: [
        { state: { actionId: 'a1', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_ERROR', reasonCode: 'REASON_CODE_FILE_NOT_FOUND',
          reason: 'src/nope.js is not loaded in this process and was not found under /srv/shop', timeMs: '1764144003000' } },
        { state: { actionId: 'a2', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_ACTIVE', reasonCode: 'REASON_CODE_INSTALLED_FALLBACK',
          reason: 'breakpoint at /srv/shop/src/server.js:12 (function on the stack; upgraded when it returns)', timeMs: '1764144003001' } },
        { state: { actionId: 'a3', agentId: 'node-7f3a', state: 'ACTION_STATE_KIND_PAUSED_QUOTA', reasonCode: 'REASON_CODE_QUOTA',
          reason: 'Logpoint is paused due to high call rate until log quota is restored', timeMs: '1764144003002' } },
      ],
    },
  },
};
