// Ids for staff-written knowledge documents (FAQ and correction drafts from the editor).

/** Lower-case ASCII slug: diacritics folded, đ → d, other characters → '-'. */
export function slugify(s: string, max = 50): string {
  const folded = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  const slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'chu-de';
}
