// The slice of Express 5's API this example uses (the workspace has no @types/express).
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export interface Request extends IncomingMessage {
    params: Record<string, string>;
  }
  export interface Response extends ServerResponse {
    locals: Record<string, unknown>;
    json(body: unknown): this;
    status(code: number): this;
  }
  export type NextFunction = (error?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;
  export interface Application {
    use(handler: RequestHandler): this;
    get(path: string, ...handlers: RequestHandler[]): this;
    listen(port: number, host: string, callback?: () => void): Server;
  }
  export default function express(): Application;
}
