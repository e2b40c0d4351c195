import { expect, it } from 'vitest';
import { collapseNearDuplicates } from '../../src/core/near-duplicates.js';

const text = (t: { text: string }) => t.text;

it('keeps the best-ranked of passages that repeat one paragraph, and every different passage', () => {
  const paragraph =
    'Two collaborators must approve a pull request before it can land. One approval is enough if the pull ' +
    'request has been open for more than seven days.';
  const ranked = [
    { source: 'guide.md', text: `### Code reviews\n\n${paragraph}` },
    { source: 'other.md', text: 'Landing a pull request needs a green CI run first.' },
    { source: 'governance.md', text: paragraph.replace('seven', '7') },
    { source: 'onboarding.md', text: `${paragraph} Approval must come from someone who is not an author.` },
    { source: 'faq.md', text: 'Ask in the help channel when a review stalls.' },
  ];
  expect(collapseNearDuplicates(ranked, text).map((r) => r.source)).toEqual([
    'guide.md',
    'other.md',
    'faq.md',
  ]);
  expect(collapseNearDuplicates(ranked, text, 2).map((r) => r.source)).toEqual(['guide.md', 'other.md']);
});

it('keeps passages that share boilerplate but say different things', () => {
  const setup =
    "```js\nimport { createServer } from 'http'\nimport { Client } from 'undici'\nconst server = createServer((req, res) => res.end('Hello')).listen()\nconst client = new Client('http://localhost:3000')\n";
  const ranked = [
    {
      text: `#### Example: the drain event\n\n${setup}client.on('drain', () => console.log('drained'))\n\`\`\``,
    },
    {
      text: `#### Example: a GET request\n\n${setup}const { body } = await client.request({ path: '/', method: 'GET' })\nfor await (const chunk of body) console.log(chunk)\n\`\`\``,
    },
  ];
  expect(collapseNearDuplicates(ranked, text)).toHaveLength(2);
});
