/** Failing test that shows a ROUTER deviation from libzmq (see the report). */
import type { Context } from "@zmtp/core";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DealerSocket, RouterSocket } from "../src/index";
import { bytes, Cleanup, collect, makeContext, message, TCP_ANY, texts, watch } from "./helpers";

let context: Context;
let cleanup: Cleanup;

beforeEach(() => {
  context = makeContext();
  cleanup = new Cleanup();
});

afterEach(async () => {
  await cleanup.run();
  await context.close();
});

// libzmq's router_t::xsend silently drops a routing id sent without a following frame; zmtp used
// to turn it into an empty message for the peer.
it("a message that is only a routing id is dropped, not sent as an empty message", async () => {
  const router = cleanup.add(new RouterSocket(context));
  await router.bind(TCP_ANY);
  const dealer = cleanup.add(new DealerSocket(context));
  dealer.options.routingId = bytes("d");
  const events = watch(dealer);
  dealer.connect(router.lastEndpoint!);
  await events.next("handshake");
  router.send([bytes("d")]);
  router.send(message("d", "real"));
  expect((await collect(dealer, 100)).map(texts)).toEqual([["real"]]);
});
