// SPDX-License-Identifier: GPL-2.0
/*
 * grab/unpin batched: unpin_user_pages() (mm/gup.c, v6.6; the batching
 * is Joao Martins' "mm/gup: decrement head page once for group of subpages",
 * REFERENCE.md (3): THP unpin ~87.6 ms -> ~23.2 ms). gup_folio_next() reads
 * page_folio() of each following entry (one compound_head load per entry,
 * each on that subpage's line) and stops at the first entry of another
 * folio; the run becomes one gup_put_folio(folio, nr, FOLL_PIN).
 *
 * Test-only broken build (tests/grab): RB_BROKEN_UNPIN_MISGROUP groups by
 * physical contiguity instead of folio identity, so a run that crosses from
 * one folio into the next, physically adjacent one is put on the first.
 */
#include "grab.h"

static __always_inline struct folio *gup_folio_next(struct page **list, unsigned long npages,
						    unsigned long i, unsigned int *ntails)
{
	struct folio *folio = page_folio(list[i]);
	unsigned int nr;

	for (nr = i + 1; nr < npages; nr++) {
#ifdef RB_BROKEN_UNPIN_MISGROUP
		if (list[nr] != list[nr - 1] + 1)
			break;
#else
		if (page_folio(list[nr]) != folio)
			break;
#endif
	}
	*ntails = nr - i;
	return folio;
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;
	unsigned int nr;

	for (i = 0; i < npages; i += nr) {
		struct folio *folio = gup_folio_next(pages, npages, i, &nr);

		RB_INJECT_OP(UNPIN, folio);	/* injected slowdown before the put (kernel/inject.h) */
		gup_put_folio(folio, nr, FOLL_PIN);
	}
}
