"""The coach-media service and its repository on SQLite and PostgreSQL: who sees what,
the checks on what is sent (nothing stored when one refuses), reading a part of a file
straight from the database and streaming a whole one in pieces, a video's length and codec,
its private details blanked, the limit per exercise, and media going with a deleted coach
or self-coached person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import Intake
from anklet.services import accounts as account_service
from anklet.services import media, people
from anklet.services.context import Context, open_context
from anklet.settings import Settings
from anklet.store.accounts import Account
from anklet.store.media import MediaRepository
from mediatools import (
    LOCATION_TEXT,
    WEBM_TAG,
    WEBM_TITLE,
    ebml_tree,
    jpeg_with_gps,
    mp4,
    mp4_with_location,
    webm,
)

PASSWORD = "correct horse battery"
EX = "ankle-circles"


@pytest.fixture
def ctx(db_url: str) -> Iterator[Context]:
    c = open_context(Settings(database_url=db_url), migrate_schema=False)
    yield c
    c.engine.dispose()


class World:
    """Coach Casey with client Cleo; coach Olive with client Otto; Sol coaches herself."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        with ctx.uow() as uow:
            def coach(email: str, name: str) -> Account:
                return account_service.create_account(uow, email=email, name=name,
                                                       password=PASSWORD, role="coach")

            def client(of: Account, email: str, name: str) -> Account:
                key = account_service.add_client(
                    uow, coach=of, name=name,
                    intake=Intake(date=dt.date.today() - dt.timedelta(days=21))).person.id
                return account_service.create_account(uow, email=email, name=name,
                                                       password=PASSWORD, role="client",
                                                       person_key=key)

            self.casey = coach("casey@example.org", "Casey Coach")
            self.cleo = client(self.casey, "cleo@example.org", "Cleo Client")
            self.olive = coach("olive@example.org", "Olive Other")
            self.otto = client(self.olive, "otto@example.org", "Otto Other")
            self.sol = account_service.sign_up(uow, email="sol@example.org", name="Sol Solo",
                                               password=PASSWORD, role="self")
            uow.commit()

    def add(self, who: Account, upload: media.Upload, exercise: str = EX) -> media.StoredMedia:
        with self.ctx.uow() as uow:
            made = media.create(uow, account=who, library=self.ctx.library, exercise_id=exercise,
                                upload=upload)
            uow.commit()
        return made

    def seen(self, who: Account, exercise: str = EX) -> list[str]:
        with self.ctx.uow(write=False) as uow:
            return [m.caption for m in media.list(uow, account=who, exercise_id=exercise)]


@pytest.fixture
def world(ctx: Context) -> World:
    return World(ctx)


def test_a_coachs_media_is_seen_by_the_coach_and_their_clients_only(world: World) -> None:
    world.add(world.casey, media.Upload(caption="Casey's", url="https://example.org/a"))
    world.add(world.olive, media.Upload(caption="Olive's", url="https://example.org/b"))
    world.add(world.sol, media.Upload(caption="Sol's", url="https://example.org/c"))
    assert world.seen(world.casey) == ["Casey's"]
    assert world.seen(world.cleo) == ["Casey's"]
    assert world.seen(world.otto) == ["Olive's"]
    assert world.seen(world.sol) == ["Sol's"]
    assert world.seen(world.cleo, "ankle-alphabet") == []
    with world.ctx.uow(write=False) as uow:
        marks = media.marks(uow, account=world.cleo, exercise_ids=[EX, "ankle-alphabet"])
        assert list(marks) == [EX]


def test_others_get_not_found_and_a_client_cannot_change(world: World) -> None:
    item = world.add(world.casey, media.Upload(url="https://example.org/a"))
    with world.ctx.uow() as uow:
        for who in (world.olive, world.otto, world.sol):
            with pytest.raises(NotFoundError):
                media.get_or_raise(uow, account=who, exercise_id=EX, media_id=item.id)
            if who.role != "client":
                with pytest.raises(NotFoundError):
                    media.delete(uow, account=who, exercise_id=EX, media_id=item.id)
        with pytest.raises(NotFoundError):  # its id under another exercise
            media.get_or_raise(uow, account=world.casey, exercise_id="ankle-alphabet",
                               media_id=item.id)
        with pytest.raises(media.ClientOnlyReadsError):
            media.delete(uow, account=world.cleo, exercise_id=EX, media_id=item.id)
        with pytest.raises(media.ClientOnlyReadsError):
            media.create(uow, account=world.cleo, library=world.ctx.library, exercise_id=EX,
                         upload=media.Upload(url="https://example.org/"))
        with pytest.raises(NotFoundError):
            media.create(uow, account=world.casey, library=world.ctx.library,
                         exercise_id="no-such-exercise",
                         upload=media.Upload(url="https://example.org/"))
    assert len(world.seen(world.casey)) == 1


def test_a_part_of_a_file_is_read_from_the_database(world: World) -> None:
    sent = mp4_with_location(300_000)
    item = world.add(world.casey, media.Upload(data=sent, filename="v.mp4"))
    assert (item.kind, item.content_type, item.size) == ("video", "video/mp4", len(sent))
    with world.ctx.uow(write=False) as uow:
        whole = media.read(uow, item)
        assert len(whole) == len(sent)
        assert media.read(uow, item, 0, 2) == whole[:2]
        assert media.read(uow, item, 123_456, 1000) == whole[123_456:124_456]
        assert media.read(uow, item, len(sent) - 5) == whole[-5:]
    other = world.add(world.casey, media.Upload(data=webm(), filename="c.webm"))
    assert other.content_type == "video/webm"


def test_a_3_mb_video_streams_in_pieces_read_slice_by_slice(world: World) -> None:
    sent = mp4(payload_bytes=3 * 1024 * 1024)
    item = world.add(world.casey, media.Upload(data=sent, filename="v.mp4"))
    with world.ctx.uow(write=False) as uow:
        stored = media.read(uow, item)
        pieces = list(media.stream(uow, item))
        assert [len(p) for p in pieces[:-1]] == [media.CHUNK] * (len(pieces) - 1)
        assert 0 < len(pieces[-1]) <= media.CHUNK
        assert b"".join(pieces) == stored
        assert b"".join(media.stream(uow, item, 1_000_001, 700_000)) == \
            stored[1_000_001:1_700_001]
        repo = MediaRepository(uow.connection)  # a range reads its slice, never the blob
        assert repo.read(item.id, 2_000_000, 1000) == stored[2_000_000:2_001_000]
        assert repo.read(item.id, len(sent) - 3, 1000) == stored[-3:]
        assert repo.read(item.id, len(sent), 10) == b""
        assert repo.read(item.id, 0, 10, version=item.version + 1) == b""  # replaced since
    assert len(stored) == len(sent)
    assert stored[-3 * 1024 * 1024:] == sent[-3 * 1024 * 1024:]  # the pictures, untouched
    assert LOCATION_TEXT in sent
    assert LOCATION_TEXT not in stored


def test_a_stream_stops_when_the_item_is_replaced_meanwhile(world: World) -> None:
    item = world.add(world.casey, media.Upload(data=mp4(payload_bytes=600_000), filename="v.mp4"))
    with world.ctx.uow() as uow:
        pieces = media.stream(uow, item)
        assert len(next(pieces)) == media.CHUNK
        media.update(uow, account=world.casey, exercise_id=EX, media_id=item.id,
                     upload=media.Upload(data=webm(), filename="w.webm"))
        assert list(pieces) == []  # never a piece of the new file after the old one's


@pytest.mark.parametrize(("seconds", "taken"), [
    (179.0, True), (180.0, True), (180.4, True), (180.6, False), (252.0, False)])
def test_a_video_longer_than_three_minutes_is_refused(world: World, seconds: float,
                                                       taken: bool) -> None:
    for sent, name in ((mp4(seconds), "squat.mp4"), (webm(seconds=seconds), "squat.webm")):
        with world.ctx.uow() as uow:
            if taken:
                media.create(uow, account=world.casey, library=world.ctx.library,
                             exercise_id=EX, upload=media.Upload(data=sent, filename=name))
                continue
            with pytest.raises(InputError) as e:
                media.create(uow, account=world.casey, library=world.ctx.library,
                             exercise_id=EX, upload=media.Upload(data=sent, filename=name))
        assert e.value.field == "file"
        words = "4 min 12 s" if seconds == 252 else "3 min 1 s"
        assert e.value.value == f"{name}: {words}"
        assert e.value.accepted == "a video of at most 3 min"
        assert f"{name} is {words} long; a video here may be at most 3 min" in str(e.value)
    assert world.seen(world.casey) == []


@pytest.mark.parametrize(("sent", "value", "words"), [
    (mp4(codec=b"hvc1", brand=b"qt  "), "IMG_0042.MOV: HEVC (H.265) video", "Most Compatible"),
    (mp4(codec=b"hev1"), "IMG_0042.MOV: HEVC (H.265) video", "convert this clip to MP4 (H.264)"),
    (mp4(codec=b"mp4v"), "IMG_0042.MOV: MPEG-4 Part 2 video", "MP4 with H.264 video"),
    (mp4(codec=b"zzzz"), "IMG_0042.MOV: “zzzz” video", "not every phone and browser plays"),
    (mp4(sound_only=True), "IMG_0042.MOV: no picture", "no picture in it"),
    (webm(track_type=2, codec=b"A_OPUS"), "IMG_0042.MOV: no picture", "no picture in it"),
    (mp4(duration=0), "IMG_0042.MOV: length unknown", "not a video we can check"),
    (webm(seconds=None), "IMG_0042.MOV: length unknown", "does not say how long it is"),
    (webm(doctype=b"matroska"), "IMG_0042.MOV: Matroska, not WebM", "Matroska (MKV)"),
    (webm()[:400], "IMG_0042.MOV: damaged video", "cut short or damaged"),
])
def test_a_video_we_cannot_check_or_play_everywhere_is_refused(world: World, sent: bytes,
                                                                 value: str, words: str) -> None:
    with world.ctx.uow() as uow, pytest.raises(InputError) as e:
        media.create(uow, account=world.casey, library=world.ctx.library, exercise_id=EX,
                     upload=media.Upload(data=sent, filename="IMG_0042.MOV"))
    assert (e.value.field, e.value.value) == ("file", value)
    assert words in str(e.value)
    assert world.seen(world.casey) == []


def test_an_iphone_mov_in_h264_is_taken_as_mp4(world: World) -> None:
    item = world.add(world.casey, media.Upload(data=mp4(brand=b"qt  "), filename="IMG_7.MOV"))
    assert (item.content_type, item.filename) == ("video/mp4", "IMG_7.mp4")


@pytest.mark.parametrize("live", [False, True])
def test_a_webm_is_stored_without_its_tags_and_still_adds_up(world: World, live: bool) -> None:
    sent = webm(live=live)
    item = world.add(world.casey, media.Upload(data=sent, filename="clip.webm"))
    with world.ctx.uow(write=False) as uow:
        stored = media.read(uow, item)
    assert len(stored) == len(sent)
    assert WEBM_TAG.encode() in sent
    assert WEBM_TAG.encode() not in stored
    assert WEBM_TITLE.encode() not in stored
    assert [(i, s, e) for i, s, e, _ in ebml_tree(stored)] == \
        [(i, s, e) for i, s, e, _ in ebml_tree(sent)]
    assert media.check_video(stored, "again")[0] == "video/webm"  # it still reads and passes


@pytest.mark.parametrize(("upload", "field"), [
    (media.Upload(url="https://example.org/", data=b"\xff\xd8\xff" + bytes(10),
                  filename="p.jpg"), "url"),
    (media.Upload(url="mailto:someone@example.org"), "url"),
    (media.Upload(url="https://example.org/" + "a" * 2000), "url"),
    (media.Upload(url="https://example.org/", caption="two\u0000parts"), "caption"),
    (media.Upload(data=b"%PDF-1.7 not a photo", filename="plan.pdf"), "file"),
    (media.Upload(data=b"\x00\x00\x00\x18ftypheic" + bytes(50), filename="IMG.HEIC"), "file"),
    (media.Upload(data=mp4_with_location()[:-4000][:700], filename="cut.mp4"), "file"),
    (media.Upload(data=b"", filename="empty.jpg"), "file"),
    (media.Upload(), "file"),
])
def test_what_is_refused_names_its_field_and_stores_nothing(world: World,
                                                           upload: media.Upload,
                                                           field: str) -> None:
    with world.ctx.uow() as uow, pytest.raises(InputError) as e:
        media.create(uow, account=world.casey, library=world.ctx.library, exercise_id=EX,
                     upload=upload)
    assert e.value.field == field
    assert e.value.accepted
    assert world.seen(world.casey) == []


def test_a_video_over_its_limit_is_refused_by_size(world: World) -> None:
    head = mp4_with_location()[:16]
    with pytest.raises(InputError, match="50 MB accepted for a video"):
        media.check_file_size(media.MAX_VIDEO_BYTES + 1, head, "long.mp4")
    media.check_file_size(media.MAX_VIDEO_BYTES, head, "long.mp4")  # at the limit: taken
    with pytest.raises(InputError, match="15 MB accepted for a photo"):
        media.check_file_size(media.MAX_PHOTO_BYTES + 1, jpeg_with_gps()[:16], "big.jpg")


def test_at_most_so_many_per_exercise(world: World) -> None:
    for i in range(media.MAX_PER_EXERCISE):
        world.add(world.casey, media.Upload(url=f"https://example.org/{i}"))
    with pytest.raises(InputError, match="Replace or delete one first"):
        world.add(world.casey, media.Upload(url="https://example.org/more"))
    world.add(world.casey, media.Upload(url="https://example.org/more"), "ankle-alphabet")


def test_a_refused_replacement_leaves_the_item_as_it_was(world: World) -> None:
    item = world.add(world.casey, media.Upload(caption="First", url="https://example.org/a"))
    with world.ctx.uow() as uow, pytest.raises(InputError):
        media.update(uow, account=world.casey, exercise_id=EX, media_id=item.id,
                     upload=media.Upload(caption="Second", data=b"junk", filename="x.jpg"))
    with world.ctx.uow(write=False) as uow:
        again = media.get_or_raise(uow, account=world.casey, exercise_id=EX, media_id=item.id)
    assert (again.caption, again.url, again.version) == ("First", "https://example.org/a", 1)


def test_media_go_with_a_deleted_coach_and_a_deleted_self_coached_person(world: World) -> None:
    world.add(world.casey, media.Upload(url="https://example.org/a"))
    world.add(world.sol, media.Upload(url="https://example.org/b"))
    with world.ctx.uow() as uow:
        uow.accounts.delete(world.casey.id)
        assert world.sol.person_key is not None
        people.delete(uow, key=world.sol.person_key)
        uow.commit()
    with world.ctx.uow(write=False) as uow:
        from anklet.store import tables as t

        assert uow.connection.execute(t.exercise_media.select()).all() == []
    assert world.seen(world.cleo) == []  # her coach is gone: nothing, and no error
