using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Users;

/// <summary>
/// Per-node counters of what this node's users persisted (thread-safe, lock-free). Read by the status line
/// and the inspection commands; the training tables remain the source of truth.
/// </summary>
public sealed class UserMetrics
{
    private long _recoveries;
    private long _usersCreated, _usersActive, _posts, _views, _likes, _comments, _follows, _persistFailures, _hides, _slates, _impressions;

    public long UsersCreated => Interlocked.Read(ref _usersCreated);
    public long UsersActive => Interlocked.Read(ref _usersActive);
    /// <summary>Users that read their history back from the journal (snapshot and events) on this node.</summary>
    public long Recoveries => Interlocked.Read(ref _recoveries);
    public long Posts => Interlocked.Read(ref _posts);
    public long Views => Interlocked.Read(ref _views);
    public long Likes => Interlocked.Read(ref _likes);
    public long Comments => Interlocked.Read(ref _comments);
    public long Follows => Interlocked.Read(ref _follows);
    public long PersistFailures => Interlocked.Read(ref _persistFailures);
    public long Hides => Interlocked.Read(ref _hides);
    public long Slates => Interlocked.Read(ref _slates);
    public long Impressions => Interlocked.Read(ref _impressions);
    public long Events => UsersCreated + Posts + Views + Likes + Comments + Hides + Follows + Slates;

    /// <summary>Counts one persisted event of a user.</summary>
    public void Count(IUserEvent e)
    {
        switch (e)
        {
            case Users.UserCreated: UserCreated(); break;
            case PostPublished: Post(); break;
            case UserFollowed: Follow(); break;
            case InteractionRecorded { Type: InteractionType.View }: View(); break;
            case InteractionRecorded { Type: InteractionType.Like }: Like(); break;
            case InteractionRecorded { Type: InteractionType.Hide }: Interlocked.Increment(ref _hides); break;
            case SlateShown s:
                Interlocked.Increment(ref _slates);
                Interlocked.Add(ref _impressions, s.Items.Count);
                break;
            case InteractionRecorded: Comment(); break;
        }
    }

    public void UserCreated() => Interlocked.Increment(ref _usersCreated);
    public void UserStarted() => Interlocked.Increment(ref _usersActive);
    public void UserRecovered() => Interlocked.Increment(ref _recoveries);
    public void UserStopped() => Interlocked.Decrement(ref _usersActive);
    public void Post() => Interlocked.Increment(ref _posts);
    public void View() => Interlocked.Increment(ref _views);
    public void Like() => Interlocked.Increment(ref _likes);
    public void Comment() => Interlocked.Increment(ref _comments);
    public void Follow() => Interlocked.Increment(ref _follows);
    public void PersistFailure() => Interlocked.Increment(ref _persistFailures);
}
