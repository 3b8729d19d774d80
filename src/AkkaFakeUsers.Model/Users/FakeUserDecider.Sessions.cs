// The decider's session rules: opening the app, asking for a slate, reading it top-down.
using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

public static partial class FakeUserDecider
{
    private sealed partial class Builder
    {
        // -------------------------------------------------------------- sessions

        /// <summary>The user opens the app: it asks its node's feed for a slate (a newer request supersedes an unanswered one).</summary>
        public void OpenSession()
        {
            if (!_state.Exists || Runtime.Paused) return;
            ScheduleNextSession(first: false);
            var seq = _state.LastSessionSeq + 1;
            var session = SessionIds.Session(UserId, seq);
            var slate = SessionIds.Slate(session, 1);
            Runtime = Runtime with { PendingSlate = slate, Scroll = null };
            Effect(new AskForSlate(new SlateRequest(UserId, session, slate, Rules.Sessions.SlateSize, Profile.Interests, _state.Follows, ctx.Now, _state.Reacted,
                ctx.VisibleBefore, ctx.Ticket)));
        }

        /// <summary>
        /// The feed answered: the user reads the page top-down (<see cref="Sessions.Examine"/>, or
        /// <see cref="Sessions.ExaminePage"/> when sessions scroll), and every slot becomes a row of the impression log (one
        /// <see cref="SlateShown"/> per page), every open, like and hide an interaction tied to its slot, and every comment a
        /// text to write. The slots' moments follow one another by their dwell times; a user who scrolls to the end of a
        /// page asks for the next one, shown once this one is read.
        /// </summary>
        public void OnSlate(SlateServed s)
        {
            if (Runtime.PendingSlate != s.SlateId || !_state.Exists || Runtime.Paused) return;
            var scroll = Runtime.Scroll is { } sc && sc.SessionId == s.SessionId ? sc : null;
            Runtime = Runtime with { PendingSlate = null, Scroll = null };
            if (s.Items.Count == 0) return;
            var creators = Rules.Behaviour.CreatorsOrOff;
            var views = new SlotView[s.Items.Count];
            for (var i = 0; i < views.Length; i++)
            {
                var post = s.Items[i].Post;
                var seen = _state.HasReacted(post.PostId, InteractionType.View) || _state.HasReacted(post.PostId, InteractionType.Hide);
                views[i] = new SlotView(Matching.Score(Profile.Interests, post.Interest, post.Subtopic), seen,
                    (post.Trending ? Rules.Behaviour.Trends.LikeBoost : 1.0) * Creators.Factor(creators, creators.LikeWeight, post.Appeal),
                    Creators.Factor(creators, creators.OpenWeight, post.Appeal));
            }
            var rng = DeterministicRandom.For(Rules.Seed, "session", s.SlateId);
            var page = Rules.Sessions.Scrolls ? Domain.Sessions.ExaminePage(Rules.Sessions, Rules.Reactions, views, rng, scroll?.SkipsInARow ?? 0) : null;
            var outcomes = page?.Slots ?? Domain.Sessions.Examine(Rules.Sessions, Rules.Reactions, views, rng);
            var seq = scroll?.SessionSeq ?? _state.LastSessionSeq + 1;
            var shownAt = scroll?.At ?? ctx.Now;
            var impressions = new Impression[views.Length];
            for (var i = 0; i < views.Length; i++)
            {
                var (item, o) = (s.Items[i], outcomes[i]);
                impressions[i] = new Impression(item.Post.PostId, item.Post.UserId, item.Position, item.Score, item.Propensity, views[i].Score,
                    o.Examined, o.Viewed, o.DwellMs, o.Liked, o.Commented, o.Hid, item.Shadow, item.CascadePropensity, item.ShadowCascade);
            }
            var pageNo = scroll?.NextPage ?? 1;
            Emit(new SlateShown(s.SlateId, s.SessionId, seq, UserId, s.Policy, s.Candidates, s.IsRandom, shownAt, impressions, pageNo));

            var at = shownAt;
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
            if (page is { ScrollsOn: true } && pageNo < (Rules.Sessions.Scroll?.MaxPages ?? 1)) ScrollOn(s, seq, pageNo + 1, page.SkipsInARow, at + TimeSpan.FromSeconds(1),
                (scroll?.Shown ?? ImmutableHashSet.Create<string>(StringComparer.Ordinal)).Union(s.Items.Select(i => i.Post.PostId)));
        }

        /// <summary>The user reached the end of a page: it asks for the next page of the same session (never repeating a post shown on it).</summary>
        private void ScrollOn(SlateServed s, long seq, int page, int skips, DateTime at, ImmutableHashSet<string> shown)
        {
            var slate = SessionIds.Slate(s.SessionId, page);
            Runtime = Runtime with { PendingSlate = slate, Scroll = new ScrollState(s.SessionId, seq, page, skips, at, shown) };
            Effect(new AskForSlate(new SlateRequest(UserId, s.SessionId, slate, Rules.Sessions.SlateSize, Profile.Interests, _state.Follows, ctx.Now, _state.Reacted,
                ctx.VisibleBefore, ctx.Ticket, shown)));
        }
    }
}
