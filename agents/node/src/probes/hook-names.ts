// Names shared by generated probe code and the runtime it calls. Chosen so no
// program plausibly uses them; expressions may not mention the reserved prefixes.

/** The global property holding the probe runtime. */
export const HOOK_GLOBAL = '__sonde$probe';
/** Block-scoped alias of the runtime inside generated code (one global lookup per hit). */
export const HOOK_ALIAS = '$sonde$';
/** Identifiers a user expression may not use, so generated names never collide. */
export const RESERVED_PREFIXES = ['__sonde$', '$sonde$'] as const;
