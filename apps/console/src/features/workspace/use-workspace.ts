import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { Conversation } from '../../api/types';
import type { Session } from '../../auth/session-store';
import { LiveConnection, liveUrl, type ConnectionState } from '../../live/live-connection';
import type { LiveFrame } from '../../live/live-events';
import { initialWorkspace, workspaceReducer, type WorkspaceState } from '../../state/workspace-state';

export interface Workspace {
  state: WorkspaceState;
  connection: ConnectionState;
  listError: string | undefined;
  open(conversationId: string | undefined): void;
  accept(conversationId: string): Promise<void>;
  close(conversationId: string): Promise<void>;
  reply(conversationId: string, text: string, files: readonly File[]): Promise<void>;
}

const CLOSED_SHOWN = 50;

function conversationIdOf(frame: LiveFrame): string | undefined {
  return 'conversationId' in frame.data ? frame.data.conversationId : undefined;
}

/**
 * The operator workspace's data: conversation lists from REST, kept current by the live WebSocket; the open
 * conversation's history; and the operator's actions. Lives in the shell so admin pages do not drop it.
 */
export function useWorkspace(api: ApiClient, session: Session): Workspace {
  const [state, dispatch] = useReducer(workspaceReducer, initialWorkspace);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [listError, setListError] = useState<string | undefined>();
  const stateRef = useRef(state);
  stateRef.current = state;
  const fetching = useRef(new Set<string>());
  const operatorId = session.operator.id;

  const fetchConversation = useCallback(
    async (conversationId: string) => {
      if (fetching.current.has(conversationId)) return;
      fetching.current.add(conversationId);
      try {
        const conversation = await api.getConversation(conversationId);
        dispatch({ type: 'conversations-loaded', conversations: [conversation] });
      } catch {
        // Not visible to this operator (or gone); the list simply does not show it.
      } finally {
        fetching.current.delete(conversationId);
      }
    },
    [api],
  );

  const loadMessages = useCallback(
    async (conversationId: string) => {
      try {
        const messages = await api.listMessages(conversationId);
        dispatch({ type: 'messages-loaded', conversationId, messages });
      } catch {
        // The view shows its own loading state; a live resync or reopening retries.
      }
    },
    [api],
  );

  const loadLists = useCallback(async () => {
    try {
      const [queued, mine, closed] = await Promise.all([
        api.listConversations({ status: 'queued' }),
        api.listConversations({ status: 'assigned', assigneeId: operatorId }),
        api.listConversations({ status: 'closed' }),
      ]);
      const all: Conversation[] = [...queued, ...mine, ...closed.slice(0, CLOSED_SHOWN)];
      dispatch({ type: 'conversations-loaded', conversations: all });
      setListError(undefined);
    } catch (err) {
      setListError(err instanceof Error ? err.message : 'Cannot load conversations');
    }
  }, [api, operatorId]);

  useEffect(() => {
    const live = new LiveConnection({
      url: (since) => liveUrl(window.location, session.token, since),
      onState: setConnection,
      onResync: () => {
        loadLists();
        const openId = stateRef.current.openId;
        if (openId) loadMessages(openId);
      },
      onFrame: (frame) => {
        dispatch({ type: 'frame', frame });
        const conversationId = conversationIdOf(frame);
        if (!conversationId) return;
        const known = stateRef.current.conversations.byId[conversationId];
        // An opening carries no contact profile; frames of a conversation not loaded yet (reopened from long ago)
        // need the whole conversation.
        if (frame.type === 'ConversationOpened' || !known) fetchConversation(conversationId);
      },
    });
    live.start();
    return () => live.stop();
  }, [session.token, loadLists, loadMessages, fetchConversation]);

  const open = useCallback(
    (conversationId: string | undefined) => {
      if (conversationId === stateRef.current.openId) return;
      dispatch({ type: 'open', conversationId });
      if (!conversationId) return;
      fetchConversation(conversationId);
      loadMessages(conversationId);
    },
    [fetchConversation, loadMessages],
  );

  const accept = useCallback(
    async (conversationId: string) => {
      const conversation = await api.accept(conversationId);
      dispatch({ type: 'conversations-loaded', conversations: [conversation] });
    },
    [api],
  );

  const close = useCallback(
    async (conversationId: string) => {
      const conversation = await api.close(conversationId);
      dispatch({ type: 'conversations-loaded', conversations: [conversation] });
    },
    [api],
  );

  const reply = useCallback(
    async (conversationId: string, text: string, files: readonly File[]) => {
      const attachments = [];
      for (const file of files) attachments.push(await api.upload(file));
      const id = crypto.randomUUID();
      dispatch({
        type: 'message-upserted',
        message: {
          id,
          conversationId,
          direction: 'outbound',
          author: { kind: 'operator', id: operatorId },
          text,
          attachments,
          status: 'pending',
          sentAt: new Date().toISOString(),
          local: true,
        },
      });
      try {
        const message = await api.reply(conversationId, {
          id,
          text: text || undefined,
          attachmentIds: attachments.length > 0 ? attachments.map((a) => a.id) : undefined,
        });
        dispatch({ type: 'message-upserted', message });
      } catch (err) {
        dispatch({ type: 'message-removed', conversationId, messageId: id });
        throw err;
      }
    },
    [api, operatorId],
  );

  return { state, connection, listError, open, accept, close, reply };
}
