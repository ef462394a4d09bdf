namespace TeamUp.Generated;

/// <remarks>
/// Invoices: list and retrieve (<c>/invoices</c>), and every page of the list (<see cref="ListAllAsync"/>, generated
/// from the spec's <c>x-teamup-paging: {style: next-link}</c> on <c>Invoices_List</c>).
/// </remarks>
public partial interface IInvoicesClient
{
}
