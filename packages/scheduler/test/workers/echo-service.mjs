// A service for the group tests: answers pings, relays them through another core, dies on demand,
// and reports the schedulers it hears have gone down. On scheduler 0 it keeps what it receives.
// With `plain`, it has no `receiveAddressed`: addressed messages reach `receive` as pairs.
export function install(core, options) {
  const received = [];
  const service = {
    core,
    received,
    receive(message) {
      switch (message.kind) {
        case 'ping':
          core.send(message.replyTo, {
            kind: 'pong',
            from: core.index,
            tag: options?.tag,
            hops: message.hops,
          });
          return;
        case 'ping-addressed':
          core.sendAddressed(message.replyTo, message.address, {
            kind: 'pong',
            from: core.index,
            hops: message.hops,
          });
          return;
        case 'relay':
          core.send(message.via, { kind: 'ping', replyTo: message.replyTo, hops: message.hops + 1 });
          return;
        case 'die':
          process.exit(1);
          return;
        default:
          received.push(message);
      }
    },
    schedulerDown(index) {
      if (core.index === 0) received.push({ kind: 'down', index });
      else core.send(0, { kind: 'heard-down', index, from: core.index });
    },
  };
  if (!options?.plain)
    service.receiveAddressed = (address, message) => received.push({ address, ...message });
  return service;
}
