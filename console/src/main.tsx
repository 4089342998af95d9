/** The console's shell: header, navigation, and the view for the current hash route. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { CharacterView } from './views/character';
import { CharactersView } from './views/characters';
import { ComposeView, type ConsoleInfo } from './views/compose';
import { JobView, JobsView } from './views/jobs';
import { href, useRoute } from './router';
import { features, type Features } from './store';
import { PageHeading } from './ui';

function App() {
  const route = useRoute();
  const [info, setInfo] = useState<ConsoleInfo | undefined>();
  useEffect(() => {
    fetch('info.json')
      .then((r) => r.json() as Promise<ConsoleInfo>)
      .then(setInfo, () => undefined);
    fetch('capabilities.json')
      .then((r) => r.json() as Promise<Features>)
      .then(
        (f) => features.set(f),
        () => undefined,
      );
  }, []);

  const [top = '', id] = route.path;
  const view =
    top === '' ? (
      <CharactersView />
    ) : top === 'characters' && id ? (
      <CharacterView key={id} groupId={id} />
    ) : top === 'compose' ? (
      <ComposeView info={info} initialGroup={route.query.get('group') ?? ''} />
    ) : top === 'jobs' && id ? (
      <JobView key={id} videoId={id} />
    ) : top === 'jobs' ? (
      <JobsView />
    ) : (
      <section>
        <PageHeading>Not found</PageHeading>
        <p>
          No such page: <a href={href()}>back to the characters</a>.
        </p>
      </section>
    );

  const current = (name: string) =>
    top === name || (name === 'characters' && top === '') ? 'page' : undefined;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <h1>seedance console</h1>
        <nav aria-label="Main">
          <a href={href()} aria-current={current('characters')}>
            Characters
          </a>
          <a href={href('compose')} aria-current={current('compose')}>
            Compose
          </a>
          <a href={href('jobs')} aria-current={current('jobs')}>
            Jobs
          </a>
        </nav>
        {info ? (
          <p class="api-info">
            API {info.api} · {info.mode === 'local' ? 'local stack' : 'signed with your AWS credentials'}
          </p>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
