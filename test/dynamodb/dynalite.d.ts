// dynalite ships no types; this covers the factory we call (options from its index.js doc comment).
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when omitted. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
