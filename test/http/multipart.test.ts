import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LocalServer, readBody, startHttpServer, type TestClient } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

interface Upload {
  fields: Record<string, string>;
  files: Record<string, { filename: string; size: number; type: string }>;
}

let server: LocalServer;
let t: TestClient;
let dir: string;

describeEachTransport('multipart uploads', (transport) => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-multipart-'));
    // Parses the upload the way a server would, and echoes what it found.
    server = await startHttpServer(async (req, res) => {
      const body = await readBody(req);
      const form = await new Response(body, {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
      const upload: Upload = { fields: {}, files: {} };
      for (const [name, value] of form) {
        if (typeof value === 'string') upload.fields[name] = value;
        else upload.files[name] = { filename: value.name, size: value.size, type: value.type };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(upload));
    });
    t = transport.client(server.url);
  });

  after(async () => {
    await t.transport.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('multipart uploads', () => {
    it('uploads a file from a path with fields beside it', async () => {
      const path = join(dir, 'report.csv');
      await writeFile(path, 'a,b\n1,2\n');
      const res = await t.client.post('/upload', {
        fields: { title: 'Q1', count: 3 },
        files: { report: path },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), {
        fields: { title: 'Q1', count: '3' },
        files: { report: { filename: 'report.csv', size: 8, type: 'text/csv' } },
      });
    });

    it('uploads bytes and a path with an explicit file name and type', async () => {
      const path = join(dir, 'photo.bin');
      await writeFile(path, Buffer.alloc(1000, 1));
      const res = await t.client.post('/upload', {
        files: {
          avatar: { data: Buffer.alloc(2048, 7), filename: 'me.png' },
          raw: { path, filename: 'renamed.dat', contentType: 'application/x-custom' },
          note: { data: 'hello', filename: 'note.txt' },
        },
      });
      assert.deepEqual(res.json<Upload>().files, {
        avatar: { filename: 'me.png', size: 2048, type: 'image/png' },
        raw: { filename: 'renamed.dat', size: 1000, type: 'application/x-custom' },
        note: { filename: 'note.txt', size: 5, type: 'text/plain' },
      });
    });

    it('reads a file once, then serves it from memory', async () => {
      const path = join(dir, 'cached.txt');
      await writeFile(path, 'first');
      await t.client.post('/upload', { files: { f: path } });
      await writeFile(path, 'second, longer');
      const res = await t.client.post('/upload', { files: { f: path } });
      assert.equal(res.json<Upload>().files.f?.size, 5);
    });

    it('records a missing file as a failed request', async () => {
      const before = t.sink.samples.length;
      const missing = join(dir, 'missing.txt');
      const res = await t.client.post('/upload', { files: { f: missing } });
      assert.equal(res.status, 0);
      assert.equal(res.error, `cannot read file to upload ${missing} (ENOENT)`);
      assert.equal(t.sink.samples.length, before + 1);
    });
  });
});
