import type { InboundMessage } from '../../src/core/message.js';
import { sendSlackEvent, type TenancyService } from './tenancy-service.js';
import type { CanaryDoc, Place, World } from './tenancy-world.js';

/** The message a question or share at `place` becomes, as the platform adapter makes it. */
export function inboundAt(place: Place, fields: Partial<InboundMessage>): InboundMessage {
  return {
    platform: place.platform,
    tenantId: place.tenantId,
    channelId: place.channelId,
    userId: place.userId,
    threadId: `${place.channelId}:seed`,
    isDirectMessage: place.isDirectMessage,
    isPrivateChannel: place.isPrivateChannel,
    isExternallyShared: place.isExternallyShared,
    text: '',
    files: [],
    ...fields,
  };
}

/** The file name a place's n-th share goes by: the same names in every scope, on purpose. */
const shareName = (n: number) => (n === 0 ? 'handbook.md' : 'notes.md');

/** Stores every document: the operator's directly, shared files through the platform where it is staged. */
export async function seedWorld(service: TenancyService, world: World): Promise<void> {
  const { slack, discord, services } = service;
  for (const p of world.places)
    if (p.via?.kind === 'slack' && p.via.info) slack.channels.set(p.channelId, p.via.info);
  const operator = world.docs.filter((d) => !d.sharedIn);
  await Promise.all(
    operator.map((doc, i) =>
      services.knowledgeBase.ingest({
        tenantId: doc.tenantId,
        scope: doc.scope,
        source: shareName(i % 2),
        origin: { addedBy: 'admin', addedIn: 'upload', platform: 'admin' },
        fetchData: async () => new TextEncoder().encode(doc.text),
      }),
    ),
  );
  const direct: Promise<unknown>[] = [];
  for (const place of world.places) {
    const shared = world.docs.filter((d) => d.sharedIn === place);
    for (const [n, doc] of shared.entries()) {
      const name = shareName(n);
      const id = `F${doc.canary.replace(/\W/g, '')}`;
      if (place.via?.kind === 'slack') {
        slack.files.set(id, { id, name, content: doc.text });
        const channelType = place.via.channelType;
        const share = {
          type: 'message',
          subtype: 'file_share',
          channel_type: channelType,
          text: '',
          files: [{ id }],
        };
        await sendSlackEvent(service, place, place.via, share);
      } else if (place.via?.kind === 'discord') {
        const { channel, dm } = place.via;
        discord.postMessage({
          channelId: channel,
          authorId: place.userId,
          content: '',
          dm,
          files: [{ name, content: doc.text }],
        });
      } else {
        discord.attachments.set(`seed/${id}/${name}`, doc.text);
        const url = `${service.discordBase}/attachments/seed/${id}/${name}`;
        direct.push(services.handleMessage(inboundAt(place, { eventId: id, files: [{ name, url }] })));
      }
    }
  }
  await Promise.all(direct);
}

/** The stored scope of every document, by its canary (each title holds its canary). */
export async function storedScopes(service: TenancyService, docs: CanaryDoc[]): Promise<Map<string, string>> {
  const scopes = new Map<string, string>();
  const tenants = [...new Set(docs.map((d) => d.tenantId))];
  for (const deadline = Date.now() + 20_000; scopes.size < docs.length && Date.now() < deadline; ) {
    for (const tenantId of tenants)
      for (const record of await service.services.knowledgeBase.listDocuments(tenantId)) {
        const canary = docs.find((d) => record.title.includes(d.canary))?.canary;
        if (canary) scopes.set(canary, record.scope);
      }
    if (scopes.size < docs.length) await new Promise((r) => setTimeout(r, 50));
  }
  return scopes;
}
