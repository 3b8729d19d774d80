// Every rule of a user in one pure function, grouped by what it decides on: 370 lines because the rules are one unit.
using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

/// <summary>
/// Every rule that turns an input of a user (a command, a timer, a delivered post, a generated text) into events and
/// effects, as one pure function: <c>Decide(state, runtime, input, context) → (runtime', events, effects)</c>. The
/// <see cref="FakeUser"/> actor only persists the events, folds them in with <see cref="FakeUserState.Apply"/> and
/// carries the effects out. Random draws are seeded by (run seed, user, subject), so a decision is reproducible.
/// </summary>
public static class FakeUserDecider
{
    public const string PostTimerKey = "post";
    public const string SessionTimerKey = "session";

    public static Decision Decide(FakeUserState state, UserRuntime runtime, IUserInput input, UserContext ctx)
    {
        var d = new Builder(state, runtime, ctx);
        switch (input)
        {
            case EnsureUser e:
                d.Ensure(e);
                if (e.CountedBy is not null) d.Effect(new ReplyWith(new UserEnsured(ctx.UserId, e.CountedBy)));
                break;
            case Recovered: if (state.Exists) d.GoLive(); break;
            case Woken w:
                d.Runtime = Settled(w.Runtime, ctx.UserId) with { Live = true };
                d.Effect(JoinTheFeed.Instance);
                break;
            case PostTick: d.Runtime = d.Runtime with { PostTimerSet = false }; d.RequestPost(manual: false); break;
            case PostNow:
                if (state.Exists) d.RequestPost(manual: true);
                d.Effect(new ReplyWith(state.Exists ? "ok" : $"user {ctx.UserId} does not exist"));
                break;
            case TextArrived t: d.OnText(t.Text); break;
            case SessionTick: d.Runtime = d.Runtime with { SessionTimerSet = false }; d.OpenSession(); break;
            case SlateServed s: d.OnSlate(s); break;
            case CommentNotice n: d.OnCommentNotice(n); break;
            case ReactionDue r: d.OnReactionDue(r); break;
            case PauseUser:
                d.Pause();
                d.Effect(new ReplyWith(new UserPaused(ctx.UserId)));
                break;
            case ResumeUser: d.Resume(); break;
            case RetireUser:
                d.Pause();
                d.Effect(new TellFeed(new LeaveFeed(ctx.UserId)));
                d.Effect(PassivateSelf.Instance);
                break;
            default: throw new UnknownUserInputException(input);
        }
        return d.Result();
    }

    /// <summary>
    /// A user may fall asleep when it exists and is live, nothing it asked for is under way (a text, a slate) and nothing
    /// is due within afu.users.sleep-after of <paramref name="now"/> (simulated); a paused user has nothing due.
    /// </summary>
    public static bool MaySleep(FakeUserState state, UserRuntime runtime, DateTime? earliestDue, DateTime now, UserRules rules) =>
        rules.Sleeps && state.Exists && runtime.Live && runtime.PendingPost is null && runtime.PendingSlate is null && runtime.PendingComments.IsEmpty
        && (earliestDue is not { } due || due - now > rules.SleepAfter);

    /// <summary>A paused runtime: no timers, nothing under way, no plans (its timers are cancelled with it).</summary>
    public static UserRuntime Paused(UserRuntime r) => r with
    {
        Paused = true, PostTimerSet = false, SessionTimerSet = false, PendingPost = null, PendingSlate = null,
        PendingComments = r.PendingComments.Clear(), Planned = r.Planned.Clear(),
    };

    /// <summary>A runtime with nothing under way: the answers to what was asked before the actor stopped went to it, not to the woken one.</summary>
    public static UserRuntime Settled(UserRuntime r, string userId) => r with
    {
        PendingPost = null, PendingSlate = null, PendingComments = r.PendingComments.Clear(),
        Planned = r.Planned.Except(r.PendingComments.Values.Select(d => d.Id(userId))),
    };

    /// <summary>Replies come 20 s to ~10 min (simulated) after the comment they answer, most within the first minutes.</summary>
    public static TimeSpan ReplyDelay(double u) => TimeSpan.FromSeconds(20 + 580 * u * u);

    /// <summary>Thread depth of a reaction: 0 for views, likes and hides, 1 for a comment on a post, the parent's depth + 1 for a reply.</summary>
    public static int Depth(ReactionDue due) => due.Type != InteractionType.Comment ? 0 : due.ReplyTo is null ? 1 : due.ReplyTo.Depth + 1;

    /// <summary>One decision being built: the state as the events so far leave it, the runtime, events and effects.</summary>
    private sealed class Builder(FakeUserState state, UserRuntime runtime, UserContext ctx)
    {
        private readonly List<IUserEvent> _events = [];
        private readonly List<UserEffect> _effects = [];
        private FakeUserState _state = state;

        public UserRuntime Runtime { get; set; } = runtime;

        private UserRules Rules => ctx.Rules;
        private string UserId => ctx.UserId;
        private UserProfile Profile => _state.Profile!;

        public void Effect(UserEffect e) => _effects.Add(e);

        private void Emit(IUserEvent e)
        {
            _events.Add(e);
            _state = _state.Apply(e, Rules);
        }

        public Decision Result() => new(Runtime, _events.ToArray(), _effects.ToArray());

        // -------------------------------------------------------------- lifecycle

        public void Ensure(EnsureUser cmd)
        {
            Runtime = Runtime with { Paused = cmd.Paused };
            if (_state.Exists)
            {
                if (!Runtime.Live) GoLive();
                else if (Runtime.Paused) Pause();
                else
                {
                    if (!Runtime.PostTimerSet) ScheduleNextPost(first: true);
                    if (!Runtime.SessionTimerSet) ScheduleNextSession(first: true);
                }
                return;
            }
            var profile = ProfileRules.Create(Rules.Seed, cmd.Index > 0 ? cmd.Index : ctx.Index, Rules.Interests, Rules.Behaviour.Activity);
            Emit(new UserCreated(profile with { UserId = UserId }, profile.Bio, ctx.Now));
            GoLive();
        }

        public void GoLive()
        {
            Runtime = Runtime with { Live = true };
            Effect(JoinTheFeed.Instance);
            if (Runtime.Paused) return;
            ScheduleNextPost(first: true);
            ScheduleNextSession(first: true);
        }

        public void Pause()
        {
            Runtime = Paused(Runtime);
            Effect(CancelTimers.Instance);
        }

        public void Resume()
        {
            if (!Runtime.Paused) return;
            Runtime = Runtime with { Paused = false };
            if (!_state.Exists) return;
            ScheduleNextPost(first: true);
            ScheduleNextSession(first: true);
        }

        // -------------------------------------------------------------- posting

        private void ScheduleNextPost(bool first)
        {
            if (Runtime.Paused || !_state.Exists) return;
            var at = NextAt(Rules.PostInterval, "timing", Runtime.TimingDraws, first);
            Runtime = Runtime with { TimingDraws = Runtime.TimingDraws + 1, PostTimerSet = true };
            Effect(new StartTimer(PostTimerKey, PostTick.Instance, at));
        }

        /// <summary>Sessions follow the same rhythm as posting (the user's heavy-tailed activity and the daily curve), at their own mean interval.</summary>
        private void ScheduleNextSession(bool first)
        {
            if (Runtime.Paused || !_state.Exists) return;
            var at = NextAt(Rules.Sessions.Interval, "session-timing", Runtime.SessionDraws, first);
            Runtime = Runtime with { SessionDraws = Runtime.SessionDraws + 1, SessionTimerSet = true };
            Effect(new StartTimer(SessionTimerKey, SessionTick.Instance, at));
        }

        private DateTime NextAt(TimeSpan interval, string purpose, long draw, bool first)
        {
            var b = Rules.Behaviour;
            // ActivityFactor is the user's rate relative to the mean (heavy-tailed): the mean gap shrinks with it.
            var mean = interval.TotalSeconds / Math.Max(0.001, Profile.ActivityFactor);
            var u = DeterministicRandom.For(Rules.Seed, purpose, UserId, draw).NextDouble();
            var sim = b.Daily.Enabled
                ? Activity.NextGap(b.Daily, ctx.Now, TimeSpan.FromSeconds(mean), Activity.Chronotype(b.Daily, Rules.Seed, ctx.Index), u).TotalSeconds
                : first ? mean * u : mean * (1 + Rules.PostJitter * (2 * u - 1));
            return ctx.Now + TimeSpan.FromSeconds(Math.Max(0.001, sim));
        }

        /// <param name="manual">sim post: posts even while paused, and leaves the timer as it is.</param>
        public void RequestPost(bool manual)
        {
            if (!_state.Exists || (Runtime.Paused && !manual)) return;
            if (!manual) ScheduleNextPost(first: false);
            if (Runtime.PendingPost is not null) return; // previous text still being written
            var seq = _state.LastPostSeq + 1;
            var rng = DeterministicRandom.For(Rules.Seed, "post", UserId, seq);
            var trends = Rules.Behaviour.Trends;
            var trend = Trends.At(trends, Rules.Seed, ctx.Now, Rules.Interests.Enabled, ctx.Origin);
            var (interest, subtopic) = PostTopics.Choose(Profile, rng, trend, trends.PostShare);
            var requestId = Runtime.NextRequestId + 1;
            Runtime = Runtime with
            {
                NextRequestId = requestId,
                PendingPost = new PendingPost(requestId, seq, interest, subtopic, Trends.IsTrending(trend, interest, subtopic)),
            };
            Effect(new AskForText(new GenerateText(requestId, new ContentRequest(TextKind.Post, UserId, interest, subtopic, Profile.Persona, rng.Next()))));
        }

        public void OnText(TextGenerated msg)
        {
            if (msg.Kind == TextKind.Post)
            {
                if (Runtime.PendingPost is not { } p || p.RequestId != msg.RequestId) return; // paused or superseded
                Runtime = Runtime with { PendingPost = null };
                var content = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.PostMax);
                if (!ContentRules.IsValidPost(content))
                {
                    Effect(new Warn($"user {UserId}: generated post rejected ({content.Length} chars)"));
                    return;
                }
                var post = new PostPublished(PostIds.For(UserId, p.Seq), UserId, p.Seq, content, p.Interest, p.Subtopic,
                    ctx.Now, msg.Text.GeneratedBy, msg.Text.ModelVersion, p.Trending);
                Emit(post);
                Effect(new PublishOn(FeedTopics.Posts, post));
                return;
            }

            if (!Runtime.PendingComments.TryGetValue(msg.RequestId, out var due)) return;
            Runtime = Runtime with { PendingComments = Runtime.PendingComments.Remove(msg.RequestId) };
            var text = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.CommentMax);
            if (!ContentRules.IsValidComment(text))
            {
                Runtime = Runtime with { Planned = Runtime.Planned.Remove(due.Id(UserId)) };
                return;
            }
            Record(due, text, msg.Text.GeneratedBy, msg.Text.ModelVersion, ctx.Now);
        }

        // -------------------------------------------------------------- sessions

        /// <summary>The user opens the app: it asks its node's feed for a slate (a newer request supersedes an unanswered one).</summary>
        public void OpenSession()
        {
            if (!_state.Exists || Runtime.Paused) return;
            ScheduleNextSession(first: false);
            var seq = _state.LastSessionSeq + 1;
            var session = SessionIds.Session(UserId, seq);
            var slate = SessionIds.Slate(session, 1);
            Runtime = Runtime with { PendingSlate = slate };
            Effect(new AskForSlate(new SlateRequest(UserId, session, slate, Rules.Sessions.SlateSize, Profile.Interests, _state.Follows, ctx.Now, _state.Reacted,
                ctx.VisibleBefore)));
        }

        /// <summary>
        /// The feed answered: the user reads the slate top-down (<see cref="Sessions.Examine"/>), and every slot becomes a row
        /// of the impression log (one <see cref="SlateShown"/>), every open, like and hide an interaction tied to its slot,
        /// and every comment a text to write. The slots' moments follow one another by their dwell times.
        /// </summary>
        public void OnSlate(SlateServed s)
        {
            if (Runtime.PendingSlate != s.SlateId || !_state.Exists || Runtime.Paused) return;
            Runtime = Runtime with { PendingSlate = null };
            if (s.Items.Count == 0) return;
            var views = new SlotView[s.Items.Count];
            for (var i = 0; i < views.Length; i++)
            {
                var post = s.Items[i].Post;
                var seen = _state.HasReacted(post.PostId, InteractionType.View) || _state.HasReacted(post.PostId, InteractionType.Hide);
                views[i] = new SlotView(Matching.Score(Profile.Interests, post.Interest, post.Subtopic), seen,
                    post.Trending ? Rules.Behaviour.Trends.LikeBoost : 1.0);
            }
            var outcomes = Domain.Sessions.Examine(Rules.Sessions, Rules.Reactions, views, DeterministicRandom.For(Rules.Seed, "session", s.SlateId));
            var seq = _state.LastSessionSeq + 1;
            var impressions = new Impression[views.Length];
            for (var i = 0; i < views.Length; i++)
            {
                var (item, o) = (s.Items[i], outcomes[i]);
                impressions[i] = new Impression(item.Post.PostId, item.Post.UserId, item.Position, item.Score, item.Propensity, views[i].Score,
                    o.Examined, o.Viewed, o.DwellMs, o.Liked, o.Commented, o.Hid, item.Shadow);
            }
            Emit(new SlateShown(s.SlateId, s.SessionId, seq, UserId, s.Policy, s.Candidates, s.IsRandom, ctx.Now, impressions));

            var at = ctx.Now;
            var feedback = new List<(CandidateFeatures, bool)>();
            for (var i = 0; i < views.Length; i++)
            {
                var (item, o) = (s.Items[i], outcomes[i]);
                if (!o.Examined) continue;
                feedback.Add((item.Features, o.Liked));
                var impression = Impression.IdFor(s.SlateId, item.Position);
                ReactionDue Due(InteractionType t) => new(item.Post, t, views[i].Score, null, impression, s.Policy, s.IsRandom);
                at += TimeSpan.FromMilliseconds(o.Viewed ? 800 : 0);
                if (o.Viewed) Record(Due(InteractionType.View), null, null, null, at);
                if (o.Liked) Record(Due(InteractionType.Like), null, null, null, at + TimeSpan.FromMilliseconds(o.DwellMs / 2.0));
                if (o.Hid) Record(Due(InteractionType.Hide), null, null, null, at + TimeSpan.FromMilliseconds(o.DwellMs));
                if (o.Commented && !Runtime.Planned.Contains(Due(InteractionType.Comment).Id(UserId))) OnReactionDue(Due(InteractionType.Comment));
                at += TimeSpan.FromMilliseconds(o.DwellMs);
            }
            if (feedback.Count > 0) Effect(new TellFeed(new SlateFeedback(feedback)));
        }

        // -------------------------------------------------------------- reacting (threads, texts, follows)

        private void Plan(ReactionDue due, DateTime at)
        {
            var id = due.Id(UserId);
            Runtime = Runtime with { Planned = Runtime.Planned.Add(id) };
            Effect(new StartTimer(id, due, at));
        }

        /// <summary>Someone commented on this user's post or replied to their comment: maybe answer (Social.ReplyProbability).</summary>
        public void OnCommentNotice(CommentNotice n)
        {
            var c = n.Comment;
            if (!Runtime.Live || !_state.Exists || Runtime.Paused || c.UserId == UserId) return;
            var due = new ReactionDue(n.Post, InteractionType.Comment, Matching.Score(Profile.Interests, n.Post.Interest, n.Post.Subtopic), c, Source: "thread");
            if (Runtime.Planned.Contains(due.Id(UserId)) || _state.HasReacted(c.InteractionId, InteractionType.Comment)) return;
            var rng = DeterministicRandom.For(Rules.Seed, "reply", UserId + "|" + c.InteractionId);
            if (rng.NextDouble() >= Social.ReplyProbability(Rules.Behaviour.Threads, c.Depth)) return;
            Plan(due, c.CreatedAt + ReplyDelay(rng.NextDouble()));
        }

        public void OnReactionDue(ReactionDue due)
        {
            if (Runtime.Paused || _state.HasReacted(due.MarkKey, due.Type)) return;
            // a reply is scored when it is written (its due time), not when the notice came: the notice's moment depends
            // on when the user handled it among its other work (a sleeping user handles it once awake), its due time does not
            if (due.ReplyTo is not null) due = due with { Score = Matching.Score(Profile.Interests, due.Post.Interest, due.Post.Subtopic) };
            var post = due.Post;
            var requestId = Runtime.NextRequestId + 1;
            Runtime = Runtime with
            {
                NextRequestId = requestId, PendingComments = Runtime.PendingComments.SetItem(requestId, due), Planned = Runtime.Planned.Add(due.Id(UserId)),
            };
            var rng = DeterministicRandom.For(Rules.Seed, "comment", due.Id(UserId));
            // A reply quotes the comment it answers; a comment quotes the post.
            var (quoted, quotedAuthor) = due.ReplyTo is { } parent ? (parent.Content, parent.UserId) : (post.Content, post.UserId);
            Effect(new AskForText(new GenerateText(requestId,
                new ContentRequest(TextKind.Comment, UserId, post.Interest, post.Subtopic, Profile.Persona, rng.Next(), quoted, quotedAuthor))));
        }

        private void Record(ReactionDue due, string? content, string? generatedBy, string? model, DateTime at)
        {
            var post = due.Post;
            var id = due.Id(UserId);
            Runtime = Runtime with { Planned = Runtime.Planned.Remove(id) };
            if (_state.HasReacted(due.MarkKey, due.Type)) return;
            var e = new InteractionRecorded(id, UserId, post.PostId, post.UserId, due.Type, content, due.Score,
                due.Exploration, post.CreatedAt, at, generatedBy, model,
                post.Interest, due.ReplyTo?.InteractionId, Depth(due), false, due.ImpressionId, due.Source);
            Emit(e);
            if (e.Type == InteractionType.Like)
            {
                Effect(new PublishOn(FeedTopics.Likes, new PostLiked(post.PostId, at)));
                MaybeFollow(e);
            }
            else if (e.Type == InteractionType.Comment)
            {
                // The one answered (the post's author, or the author of the comment replied to) may reply in turn. The
                // notice travels like posts, on pub/sub to every node's feed, which hands it on only to a live local
                // user: it never wakes a user that was scaled out of the population.
                var to = due.ReplyTo?.UserId ?? post.UserId;
                if (to != UserId) Effect(new PublishOn(FeedTopics.Comments, new CommentNotice(to, post, e)));
            }
        }

        private void MaybeFollow(InteractionRecorded like)
        {
            var author = like.PostAuthorId;
            var rng = DeterministicRandom.For(Rules.Seed, "follow", UserId + "|" + like.PostId);
            if (author == UserId || !Social.ShouldFollow(Rules.Behaviour.Follow, like.MatchScore, _state.Follows.Count, _state.Follows.Contains(author), rng)) return;
            // The feed needs no telling: following travels with every slate request.
            Emit(new UserFollowed(UserId, author, like.MatchScore, like.PostId, ctx.Now));
        }
    }
}
