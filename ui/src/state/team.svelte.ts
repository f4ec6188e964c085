/**
 * Whether the window shows a team server's catalog instead of this computer's library, and
 * whether that server is answering. Set at start and by `team-status` events; what works on
 * the library only so far is hidden while `on`.
 */
import { connectTeamServer, disconnectTeamServer, teamStatus } from '../lib/api';
import type { TeamStatus } from '../lib/api';

/** What the Connect dialog asks for. */
export interface TeamAddress {
  host: string;
  port: string;
  database: string;
  login: string;
}

/** `postgresql://login@host:port/database`, each part escaped as a URL needs. */
export function addressOf(a: TeamAddress): string {
  const host = a.host.includes(':') && !a.host.startsWith('[') ? `[${a.host}]` : a.host;
  const port = a.port.trim() === '' ? '' : `:${a.port.trim()}`;
  return `postgresql://${encodeURIComponent(a.login.trim())}@${host.trim()}${port}/${encodeURIComponent(a.database.trim())}`;
}

class Team {
  status = $state<TeamStatus>({ address: null, problem: null });

  get on(): boolean {
    return this.status.address !== null;
  }

  async refresh(): Promise<void> {
    this.status = await teamStatus();
  }

  async connect(address: TeamAddress, password: string | null): Promise<void> {
    this.status = await connectTeamServer(addressOf(address), password);
  }

  async disconnect(): Promise<void> {
    this.status = await disconnectTeamServer();
  }
}

export const team = new Team();
