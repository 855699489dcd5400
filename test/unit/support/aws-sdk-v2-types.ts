// The parts of the aws-sdk v2 client's internals (API model, request objects) that the request
// builders in this folder use; the package ships no types for them.

export interface V2Shape {
  type: string;
  members?: Record<string, V2Shape>;
  required?: string[];
  member?: V2Shape;
  value?: V2Shape;
  location?: string;
  name?: string;
  isJsonValue?: boolean;
}

export interface V2Operation {
  name: string;
  httpPath: string;
  input?: V2Shape;
}

export interface V2Request {
  httpRequest: {
    method: string;
    path: string;
    headers: Record<string, string | number>;
    body?: string | Buffer;
  };
  build(cb: (err?: Error) => void): void;
}

export interface V2Service {
  api: { operations: Record<string, V2Operation> };
  makeRequest(op: string, params: Record<string, unknown>): V2Request;
}

export type V2Constructor = new (config: Record<string, unknown>) => V2Service;
