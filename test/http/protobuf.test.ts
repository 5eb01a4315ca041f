import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  loadProto,
  PROTOBUF,
  ProtoCodecError,
  ProtoLoadError,
  type ProtoRoot,
  ProtoTypeNotFoundError,
} from '../../src/http/protobuf.ts';
import { type LocalServer, readBody, startHttpServer, type TestClient } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

const PROTO = `
syntax = "proto3";
package shop;

enum Status { UNKNOWN = 0; PAID = 1; SHIPPED = 2; }

message Order {
  string id = 1;
  int64 cents = 2;
  Status status = 3;
  repeated Item items = 4;
  bytes receipt = 5;
  message Item { string sku = 1; int32 qty = 2; }
}
`;

let dir: string;
let shop: ProtoRoot;
let server: LocalServer;
let t: TestClient;

describeEachTransport('protobuf over HTTP', (transport) => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-proto-'));
    writeFileSync(join(dir, 'shop.proto'), PROTO);
    shop = loadProto(join(dir, 'shop.proto'));
    const Order = shop.type('shop.Order');
    // Decodes the order, marks it shipped, and sends it back.
    server = await startHttpServer(async (req, res) => {
      const order = Order.decode(await readBody(req));
      res.writeHead(200, { 'content-type': PROTOBUF });
      res.end(Order.encode({ ...order, status: 'SHIPPED' }));
    });
    t = transport.client(server.url);
  });

  after(async () => {
    await t.transport.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('protobuf', () => {
    it('round-trips a message through a server', async () => {
      const Order = shop.type('shop.Order');
      const res = await t.client.post('/orders', {
        body: Order.encode({
          id: 'o-1',
          cents: '9007199254740993',
          status: 'PAID',
          items: [{ sku: 'a', qty: 2 }],
          receipt: Buffer.from([1, 2, 3]),
        }),
        headers: { 'content-type': PROTOBUF },
      });
      assert.equal(res.headers['content-type'], 'application/x-protobuf');
      assert.deepEqual(Order.decode(res.bytes()), {
        id: 'o-1',
        cents: '9007199254740993',
        status: 'SHIPPED',
        items: [{ sku: 'a', qty: 2 }],
        receipt: Buffer.from([1, 2, 3]),
      });
    });

    it('keeps the field names of the .proto and refuses unknown ones instead of dropping them', () => {
      writeFileSync(
        join(dir, 'gift.proto'),
        'syntax = "proto3"; message Gift { string gift_note = 1; bytes photo_data = 2; }',
      );
      const Gift = loadProto(join(dir, 'gift.proto')).type('Gift');
      const decoded = Gift.decode(Gift.encode({ gift_note: 'hi', photo_data: new Uint8Array([1, 2]) }));
      assert.equal(decoded.gift_note, 'hi');
      assert.deepEqual([...(decoded.photo_data as Uint8Array)], [1, 2]);
      assert.throws(
        () => Gift.encode({ giftNote: 'hi' }),
        (error: Error) =>
          error instanceof ProtoCodecError &&
          error.message === 'cannot encode Gift: unknown field "giftNote" (fields: gift_note, photo_data)',
      );
    });

    it('fills in defaults when decoding', () => {
      const Order = shop.type('shop.Order');
      assert.deepEqual(Order.decode(Order.encode({ id: 'x' })), {
        id: 'x',
        cents: '0',
        status: 'UNKNOWN',
        items: [],
        receipt: Buffer.alloc(0),
      });
    });

    it('finds a type by its simple name and lists the types', () => {
      assert.equal(shop.type('Order').name, 'shop.Order');
      assert.equal(shop.type('.shop.Order.Item').name, 'shop.Order.Item');
      assert.deepEqual(shop.typeNames, ['shop.Order', 'shop.Order.Item']);
    });

    it('names the available types when one is missing', () => {
      assert.throws(
        () => shop.type('shop.Invoice'),
        (error: unknown) =>
          error instanceof ProtoTypeNotFoundError &&
          error.message === 'no protobuf message type "shop.Invoice"; available: shop.Order, shop.Order.Item',
      );
    });

    it('says which type failed to decode, and which file failed to load', () => {
      assert.throws(() => shop.type('Order').decode(Buffer.from([0xff, 0xff])), ProtoCodecError);
      assert.throws(
        () => shop.type('Order').decode(Buffer.from([0xff, 0xff])),
        /^ProtoCodecError: cannot decode shop\.Order: /,
      );
      assert.throws(() => loadProto(join(dir, 'missing.proto')), ProtoLoadError);
    });
  });
});
