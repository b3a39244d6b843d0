import { useApi } from '../../api/api-context';
import { selectBucket, type ConversationBucket } from '../../state/conversation-list';
import { ContactCard } from '../contacts/contact-card';
import { ConversationList } from '../conversations/conversation-list';
import { ConversationView } from '../conversations/conversation-view';
import type { Workspace } from './use-workspace';

const titles: Record<ConversationBucket, string> = { queue: 'Queue', mine: 'Mine', closed: 'Recently closed' };
const emptyTexts: Record<ConversationBucket, string> = {
  queue: 'No one is waiting. New conversations of your lines appear here live.',
  mine: 'You have no open conversations. Accept one from the queue.',
  closed: 'No closed conversations yet.',
};

interface Props {
  workspace: Workspace;
  bucket: ConversationBucket;
  openId: string | undefined;
}

export function WorkspacePage({ workspace, bucket, openId }: Props) {
  const { session } = useApi();
  const { conversations, open } = workspace.state;
  const items = selectBucket(conversations, bucket, session.operator.id);
  const openConversation = openId ? conversations.byId[openId] : undefined;

  return (
    <div className="workspace">
      <section className="list-pane" aria-label={titles[bucket]}>
        <header className="pane-header">
          <h1>{titles[bucket]}</h1>
        </header>
        {workspace.listError && (
          <p className="error inline-error" role="alert">
            {workspace.listError}
          </p>
        )}
        <ConversationList bucket={bucket} items={items} selectedId={openId} emptyText={emptyTexts[bucket]} />
      </section>
      <section className="conversation-pane">
        {openId && openConversation ? (
          <ConversationView
            key={openId}
            conversation={openConversation}
            messages={open && open.conversationId === openId ? open : undefined}
            workspace={workspace}
          />
        ) : (
          <div className="empty-state" data-testid="no-conversation">
            {openId ? 'Loading conversation…' : 'Select a conversation to read and answer it.'}
          </div>
        )}
      </section>
      {openConversation && <ContactCard conversation={openConversation} />}
    </div>
  );
}
