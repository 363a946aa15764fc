/** The options every command takes (from the command line), which a session is opened with. */
export interface GlobalOptions {
  config: string;
  stateDir: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  sandbox: boolean;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  color: boolean;
  verbose: boolean;
}
