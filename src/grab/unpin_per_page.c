// SPDX-License-Identifier: GPL-2.0
/*
 * grab/unpin per page: unpin_user_page() on every entry (mm/gup.c, v6.6):
 * gup_put_folio(page_folio(page), 1, FOLL_PIN), i.e. for a large folio one
 * atomic_sub on _pincount and one atomic on _refcount per page, all on the
 * head's two lines.
 */
#include "grab.h"

void unpin_user_page(struct page *page)
{
	RB_INJECT_OP(UNPIN, page);	/* injected slowdown before the put (kernel/inject.h) */
	gup_put_folio(page_folio(page), 1, FOLL_PIN);
}

void unpin_user_pages_per_page(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		unpin_user_page(pages[i]);
}
