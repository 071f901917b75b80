// The registry client sends credentials only where the registry asks for them.
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RegistryClient } from "../../../components";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, host: `127.0.0.1:${String((server.address() as AddressInfo).port)}` };
}

describe("RegistryClient", () => {
  const servers: Server[] = [];
  const seen: { url: string; authorization?: string }[] = [];
  const start = async (handler: Handler) => {
    const s = await serve((req, res) => {
      seen.push({ url: `${req.headers.host ?? ""}${req.url ?? ""}`, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) });
      handler(req, res);
    });
    servers.push(s.server);
    return s.host;
  };
  const credentials = { username: "ci", password: "s3cr3t" };
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
    seen.splice(0);
  });

  it("sends nothing until asked, then Basic credentials to the registry", async () => {
    const host = await start((req, res) => {
      res.writeHead(req.headers.authorization === undefined ? 401 : 200, { "WWW-Authenticate": 'Basic realm="registry"' }).end();
    });
    const response = await new RegistryClient(host, credentials, true).request("GET", `http://${host}/v2/`);
    assert.equal(response.status, 200);
    assert.deepEqual(seen.map((s) => s.authorization), [undefined, `Basic ${Buffer.from("ci:s3cr3t").toString("base64")}`]);
  });

  it("refuses a token realm over plain HTTP for a registry spoken to over HTTPS", async () => {
    const realm = await start((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('{"token":"t"}'));
    const host = await start((_req, res) => {
      res.writeHead(401, { "WWW-Authenticate": `Bearer realm="http://${realm}/token",service="registry"` }).end();
    });
    // Not insecure: the registry is meant to be HTTPS, so an HTTP realm would leak the password.
    await assert.rejects(new RegistryClient(host, credentials).request("GET", `http://${host}/v2/`), /refusing token realm http:\/\/127\.0\.0\.1:\d+: credentials go only over HTTPS/);
    assert.equal(seen.filter((s) => s.authorization !== undefined).length, 0, "no credentials went anywhere");
  });

  it("ignores a challenge from a host a redirect led to", async () => {
    const elsewhere = await start((_req, res) => res.writeHead(401, { "WWW-Authenticate": 'Basic realm="elsewhere"' }).end());
    const host = await start((_req, res) => res.writeHead(307, { Location: `http://${elsewhere}/blob` }).end());
    const response = await new RegistryClient(host, credentials, true).request("GET", `http://${host}/v2/x/blobs/sha256:0`);
    assert.equal(response.status, 401);
    assert.equal(seen.filter((s) => s.authorization !== undefined).length, 0, "the other host never got the credentials");
  });
});
