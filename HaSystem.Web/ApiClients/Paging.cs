namespace HaSystem.Web.ApiClients;

/// <summary>How many pages the API's paged answers have, for the pager; at least one, so an empty list still shows a page.</summary>
public static class Paging
{
    extension(ProductPage page)
    {
        /// <summary>The number of pages.</summary>
        public int PageCount => Count(page.Total, page.PageSize);
    }

    extension(OrderHistoryPage page)
    {
        /// <summary>The number of pages.</summary>
        public int PageCount => Count(page.Total, page.PageSize);
    }

    private static int Count(int total, int pageSize) => Math.Max(1, (total + pageSize - 1) / pageSize);
}
