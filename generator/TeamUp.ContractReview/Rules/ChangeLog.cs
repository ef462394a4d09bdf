using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Rules;

/// <summary>Collects changes; the level always comes from the catalog so no rule can invent one.</summary>
internal sealed class ChangeLog
{
    private readonly List<Change> _changes = [];
    public IReadOnlyList<Change> Changes => _changes;

    public void Add(string id, string operation, string location, string message) =>
        _changes.Add(new Change(id, RuleCatalog.LevelOf(id), operation, location, message));
}
