// Markup inside a line of Markdown that a quoted passage should not show: anchors and other HTML
// tags, images and badges, link targets that are not addresses, emphasis marks, backslash
// escapes and character references. Inline code is left exactly as written.

// Tags whose text is reading text: the tag goes, what it wraps stays. Anything else in angle
// brackets (<value>, <commit hash>) is prose and stays.
const HTML_TAGS =
  'a abbr b big blockquote br center code del details dfn div em font h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ' +
  'ol p picture pre q s samp section small source span strike strong sub summary sup table tbody td tfoot th ' +
  'thead tr tt u ul var';
// Every repeated part has a bound: a document full of unclosed brackets or quotes must cost time
// in proportion to its length, not to its square.
const TAG = new RegExp(
  `</?(?:${HTML_TAGS.split(' ').join('|')})\\b(?:[^>"']|"[^"]{0,500}"|'[^']{0,500}'){0,500}?/?>`,
  'gi',
);
const ANCHOR = /<a\s+(?:id|name)\s*=\s*(?:"[^"]{0,200}"|'[^']{0,200}'|[^\s>]{1,200})\s*\/?>\s*(?:<\/a>)?/gi;
const LINE_BREAK = /<br\s*\/?>/gi;
const IMAGE = /!\[[^\]]{0,500}\]\([^)]{0,2000}\)|!\[[^\]]{0,500}\]\[[^\]]{0,200}\]/g;
const BADGE = /\[!\[[^\]]{0,500}\]\([^)]{0,2000}\)\]\([^)]{0,2000}\)/g;
// [text](target "title"): the text stays; an address stays beside it, a relative target does not.
const INLINE_LINK = /\[([^\]]{0,500})\]\(\s*<?([^)\s>]{0,2000})>?(?:\s+"[^"]{0,500}")?\s*\)/g;
const REFERENCE_LINK = /\[([^\]]{1,500})\]\[[^\]]{0,200}\]/g;
const AUTOLINK = /<((?:https?|ftp):\/\/[^\s>]+|mailto:[^\s>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>/g;
const ESCAPE = /\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g;
const ALERT = /(?:\[|\uE002)!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)(?:\]|\uE003)/g;
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rarr: '→',
  larr: '←',
  copy: '©',
  reg: '®',
};

/** HTML comments cut out, those `keep` accepts aside; an unclosed `<!--` is left as text. */
export function withoutComments(text: string, keep: (comment: string) => boolean = () => false): string {
  let out = '';
  let from = 0;
  for (let open = text.indexOf('<!--'); open >= 0; open = text.indexOf('<!--', from)) {
    const close = text.indexOf('-->', open + 4);
    if (close < 0) break;
    const comment = text.slice(open, close + 3);
    out += text.slice(from, open) + (keep(comment) ? comment : '');
    from = close + 3;
  }
  return out + text.slice(from);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Emphasis marks around words go; a lone * or _ (15 * minTime, snake_case) stays. */
function dropEmphasis(text: string): string {
  return text
    .replace(/(\*\*|__|~~)(?=\S)([\s\S]{0,500}?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w_])_(?=[^\s_])([^_]*?[^\s_])_(?![\w_])/g, '$1$2');
}

// A backslash-escaped mark is literal text: it is set aside before any markup is read.
const LITERAL: Record<string, string> = {
  '*': '\uE000',
  _: '\uE001',
  '[': '\uE002',
  ']': '\uE003',
  '<': '\uE004',
  '~': '\uE005',
};
const UNLITERAL = Object.fromEntries(Object.entries(LITERAL).map(([mark, stand]) => [stand, mark]));
const CODE_SPAN = /(?<!`)(`{1,10})(?!`)([\s\S]{0,2000}?[^`])\1(?!`)/g;
const SET_ASIDE = /\uE010(\d+)\uE011/g;

function dropLinks(text: string): string {
  return text
    .replace(BADGE, '')
    .replace(IMAGE, '')
    .replace(INLINE_LINK, (_, label: string, target: string) =>
      /^(?:https?|ftp):\/\//i.test(target) && label.trim() && !label.includes(target)
        ? `${label} (${target})`
        : label || target,
    )
    .replace(REFERENCE_LINK, '$1')
    .replace(AUTOLINK, '$1');
}

// Every rewrite below starts at one of these; most lines of prose hold none and are left as they are.
const MARKUP_OR_SPACING = /[`\\<[*_~&\uE000-\uE011]|[ \t]{2}/;

/** One line (or joined paragraph) of Markdown as reading text; inline code is left as written. */
export function cleanInline(line: string): string {
  if (!MARKUP_OR_SPACING.test(line)) return line.trimEnd();
  const code: string[] = [];
  const masked = line
    .replace(CODE_SPAN, (span: string) => `\uE010${code.push(span) - 1}\uE011`)
    .replace(/\\(.)/g, (whole, mark: string) => LITERAL[mark] ?? whole);
  const text = dropLinks(
    withoutComments(masked).replace(ANCHOR, '').replace(LINE_BREAK, ' ').replace(TAG, ''),
  ).replace(ALERT, (_, kind: string) => `${kind[0]}${kind.slice(1).toLowerCase()}:`);
  return decodeEntities(dropEmphasis(text).replace(ESCAPE, '$1'))
    .replace(/[\uE000-\uE005]/g, (stand) => UNLITERAL[stand] ?? stand)
    .replace(SET_ASIDE, (_, n: string) => code[Number(n)] ?? '')
    .replace(/(\S)[ \t]{2,}/g, '$1 ')
    .trimEnd();
}
