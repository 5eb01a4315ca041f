/** An XML element as the tiny parser below reads it. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const named = ENTITIES[ref];
    if (named === undefined) throw new Error(`undefined entity ${whole}`);
    return named;
  });
}

/**
 * A strict little XML parser for the tests (no new dependency): one root element, matching tags, quoted
 * attributes without duplicates, no raw `<` or `&` in text or attributes. Throws on anything malformed.
 */
export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
  const attribute = /([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g;
  while (pos < body.length) {
    const lt = body.indexOf('<', pos);
    const text = body.slice(pos, lt === -1 ? body.length : lt);
    if (/&(?!(#x[0-9a-f]+|#\d+|[a-z]+);)/i.test(text)) throw new Error(`raw & in text at ${pos}`);
    if (stack.length > 0) (stack.at(-1) as XmlElement).text += decode(text);
    else if (text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${lt}: ${body.slice(lt, lt + 60)}`);
    const [, closing, name = '', attrs = '', selfClosing] = m;
    pos = tag.lastIndex;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (const a of attrs.matchAll(attribute)) {
      const key = a[1] ?? '';
      if (key in element.attributes) throw new Error(`duplicate attribute ${key} on <${name}>`);
      if (/&(?!(#x[0-9a-f]+|#\d+|[a-z]+);)/i.test(a[2] ?? '')) throw new Error(`raw & in attribute ${key}`);
      element.attributes[key] = decode(a[2] ?? '');
    }
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error('two root elements');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
