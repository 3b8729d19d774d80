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
            Runtime = Runtime with { PendingSlate = slate };
            Effect(new AskForSlate(new SlateRequest(UserId, session, slate, Rules.Sessions.SlateSize, Profile.Interests, _state.Follows, ctx.Now, _state.Reacted,
                ctx.VisibleBefore, ctx.Ticket)));
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
    }
}
