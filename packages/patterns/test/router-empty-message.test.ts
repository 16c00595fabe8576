import { expect, it } from "vitest";
import { DealerSocket, RouterSocket } from "../src/index";
import { bytes, collect, message, perTestScope, TCP_ANY, texts, watch } from "./helpers";

const scope = perTestScope();

// libzmq's router_t::xsend silently drops a routing id sent without a following frame; zmtp used
// to turn it into an empty message for the peer.
it("a message that is only a routing id is dropped, not sent as an empty message", async () => {
  const router = scope.cleanup.add(new RouterSocket(scope.context));
  await router.bind(TCP_ANY);
  const dealer = scope.cleanup.add(new DealerSocket(scope.context));
  dealer.options.routingId = bytes("d");
  const events = watch(dealer);
  dealer.connect(router.lastEndpoint!);
  await events.next("handshake");
  router.send([bytes("d")]);
  router.send(message("d", "real"));
  expect((await collect(dealer, 100)).map(texts)).toEqual([["real"]]);
});
