// The one version string of every Sonde part (agents, gateway, language
// server, command line): they are released together.
export const SONDE_VERSION = '0.1.0';
