using HaSystem.Contracts;

namespace HaSystem.Web.ApiClients;

/// <summary>How many pages a paged answer of the API has, for the pager.</summary>
public static class Paging
{
    extension(IPage page)
    {
        /// <summary>The number of pages; at least one, so that an empty list still shows a page.</summary>
        public int PageCount => Math.Max(1, (page.Total + page.PageSize - 1) / page.PageSize);
    }
}
