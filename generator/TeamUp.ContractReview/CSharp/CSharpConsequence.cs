namespace TeamUp.ContractReview.CSharp;

public static class CSharpConsequence
{
    public static ApiDiff Compare(ProjectLayout layout, string oldSpecText, string newSpecText) =>
        throw new CSharpUnavailableException("not implemented yet");
}
