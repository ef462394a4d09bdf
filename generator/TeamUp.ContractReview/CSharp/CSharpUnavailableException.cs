namespace TeamUp.ContractReview.CSharp;

/// <summary>The C# consequence could not be computed; the spec-level review still stands.</summary>
public sealed class CSharpUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
