"""The demo newsroom: its sections, people, and a generator of realistic everyday articles."""

import random

SECTIONS = [
    ("Thời sự", "thoi-su", "Tin tức thời sự trong tỉnh và cả nước."),
    ("Địa phương", "dia-phuong", "Tin từ các huyện, thị xã, thành phố trong tỉnh."),
    ("Kinh tế", "kinh-te", "Sản xuất, kinh doanh, đầu tư và thị trường."),
    ("Xã hội", "xa-hoi", "Giáo dục, y tế, lao động và đời sống."),
    ("Văn hóa", "van-hoa", "Di sản, lễ hội, văn học và nghệ thuật."),
    ("Du lịch", "du-lich", "Điểm đến, dịch vụ và mùa du lịch."),
    ("Thể thao", "the-thao", "Thể thao thành tích cao và phong trào."),
    ("Trao đổi kinh nghiệm", "trao-doi-kinh-nghiem", "Cách làm hay, mô hình mới từ cơ sở."),
]

BYLINES = [
    ("Lê Tùng", "Phóng viên", "Theo dõi mảng xây dựng Đảng và cải cách hành chính."),
    ("Xuân Việt", "Phóng viên ảnh", "Chụp ảnh thời sự và phóng sự ảnh."),
    ("Thu Chung", "Phóng viên", "Viết về kinh tế tập thể và nông nghiệp."),
    ("Phạm Tăng", "Phóng viên", "Theo dõi các địa phương miền Đông của tỉnh."),
    ("Hoàng Nga", "Biên tập viên", "Biên tập mảng văn hóa - xã hội."),
    ("Mạnh Trường", "Phóng viên", "Viết về du lịch và dịch vụ."),
    ("Thanh Hằng", "Phóng viên", "Theo dõi giáo dục và y tế."),
    ("Đỗ Phương", "Cộng tác viên", "Tin thể thao phong trào."),
]

PLACES = [
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Đông Triều",
    "Quảng Yên",
    "Vân Đồn",
    "Cô Tô",
    "Tiên Yên",
    "Bình Liêu",
    "Đầm Hà",
    "Hải Hà",
    "Ba Chẽ",
    "Đà Nẵng",
    "Hà Nội",
]

TOPICS = {
    "thoi-su": [
        ("Hội nghị triển khai nhiệm vụ {quarter} tại {place}", "Chính quyền"),
        ("{place} rà soát tiến độ các công trình trọng điểm", "Đầu tư công"),
        ("Lãnh đạo tỉnh làm việc với {place} về phát triển đô thị", "Đô thị"),
        ("{place} tăng cường phòng chống thiên tai mùa mưa bão", "Phòng chống thiên tai"),
    ],
    "dia-phuong": [
        ("{place} đẩy mạnh cải cách thủ tục hành chính", "Cải cách hành chính"),
        ("Nông thôn mới ở {place}: những con đường bê tông mới", "Nông thôn mới"),
        ("{place} ra mắt Trung tâm Hành chính công cấp huyện", "Cải cách hành chính"),
        ("Người dân {place} góp đất mở đường", "Nông thôn mới"),
    ],
    "kinh-te": [
        ("Doanh nghiệp {place} tìm thị trường mới cho nông sản", "Xuất khẩu"),
        ("Thu ngân sách {quarter} của {place} vượt kế hoạch", "Ngân sách"),
        ("Khu công nghiệp tại {place} đón thêm nhà đầu tư", "Đầu tư"),
        ("Sản phẩm OCOP của {place} lên sàn thương mại điện tử", "OCOP"),
    ],
    "xa-hoi": [
        ("{place} chuẩn bị cho năm học mới", "Giáo dục"),
        ("Bệnh viện tại {place} ứng dụng kỹ thuật mới", "Y tế"),
        ("Hỗ trợ người lao động {place} tìm việc làm", "Lao động"),
        ("{place} trao nhà đại đoàn kết cho hộ nghèo", "An sinh xã hội"),
    ],
    "van-hoa": [
        ("Lễ hội truyền thống ở {place} thu hút du khách", "Lễ hội"),
        ("Bảo tồn di sản văn hóa các dân tộc tại {place}", "Di sản"),
        ("Đêm nhạc dân ca trên quảng trường {place}", "Nghệ thuật"),
        ("Thư viện {place} mở cửa đến tối", "Đọc sách"),
    ],
    "du-lich": [
        ("{place} sẵn sàng cho mùa du lịch {season}", "Mùa du lịch"),
        ("Tour khám phá đảo mới ở {place}", "Du lịch biển đảo"),
        ("Homestay ở {place}: khách quốc tế tăng mạnh", "Du lịch cộng đồng"),
        ("Ẩm thực đường phố {place} hút khách", "Ẩm thực"),
    ],
    "the-thao": [
        ("Giải chạy việt dã {place} thu hút hàng nghìn vận động viên", "Chạy bộ"),
        ("Đội bóng đá trẻ {place} vào chung kết", "Bóng đá"),
        ("{place} đăng cai giải bơi lội toàn tỉnh", "Bơi lội"),
        ("Đua thuyền truyền thống trên sông ở {place}", "Thể thao truyền thống"),
    ],
    "trao-doi-kinh-nghiem": [
        ("Kinh nghiệm xây dựng hợp tác xã kiểu mới ở {place}", "Hợp tác xã"),
        ("Cách làm hay trong dân vận chính quyền ở {place}", "Dân vận khéo"),
        ("Mô hình tổ tự quản an ninh trật tự tại {place}", "An ninh trật tự"),
        ("Chuyển đổi số cấp xã: bài học từ {place}", "Chuyển đổi số"),
    ],
}

QUARTERS = ["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu năm", "năm"]
SEASONS = ["hè", "thu", "lễ hội", "cuối năm"]

LEAD_SENTENCES = [
    "Những ngày qua, {place} đã triển khai đồng bộ nhiều giải pháp, huy động sự vào cuộc của cả hệ thống chính trị.",
    "Theo đánh giá của cơ quan chức năng, kết quả đạt được tại {place} là nền tảng quan trọng cho các năm tiếp theo.",
    "Người dân và doanh nghiệp {place} ghi nhận nhiều chuyển biến tích cực, rõ nét so với cùng kỳ.",
    "Bên cạnh kết quả đạt được, {place} vẫn còn những khó khăn cần tháo gỡ trong thời gian tới.",
]

BODY_PARAGRAPHS = [
    "Ngay từ đầu năm, {place} đã ban hành kế hoạch cụ thể, phân công rõ người, rõ việc, rõ thời gian hoàn thành. "
    "Các phòng, ban chuyên môn thường xuyên xuống cơ sở nắm bắt tình hình, kịp thời tháo gỡ vướng mắc.",
    "Theo số liệu thống kê, đến nay đã có hàng trăm hộ dân trực tiếp tham gia và hưởng lợi. Nhiều mô hình được đánh "
    "giá cao về hiệu quả kinh tế - xã hội, có khả năng nhân rộng ra các địa phương khác trong tỉnh.",
    "Ông Nguyễn Văn Hải, một người dân địa phương, chia sẻ: “Trước đây mọi việc phải đi lại nhiều lần, giờ chỉ cần "
    "đến một nơi là được hướng dẫn tận tình. Chúng tôi rất phấn khởi.”",
    "Thời gian tới, {place} tiếp tục rà soát, bổ sung cơ chế, chính sách; tăng cường ứng dụng công nghệ thông tin và "
    "đẩy mạnh tuyên truyền để người dân hiểu, đồng thuận và cùng tham gia.",
    "Lãnh đạo địa phương cho biết, nguồn lực sẽ được ưu tiên cho những việc cấp bách, có sức lan tỏa, bảo đảm "
    "công khai, minh bạch và đúng tiến độ đề ra.",
]

SUBHEADINGS = ["Chuyển biến từ cơ sở", "Những kết quả bước đầu", "Còn nhiều việc phải làm", "Hướng đi mới"]

QUOTES = [
    (
        "“Mọi chủ trương chỉ thực sự thành công khi người dân được hưởng lợi và đồng thuận.”",
        "Vũ Văn Diện",
        "Chủ tịch UBND tỉnh",
    ),
    ("“Chúng tôi xác định phải làm bằng được, làm đến nơi đến chốn.”", "Trần Thị Hương", "Bí thư huyện ủy"),
    ("“Cách làm mới giúp người dân tiết kiệm thời gian và chi phí.”", "Phạm Minh Tuấn", "Giám đốc Sở Nội vụ"),
]

PHOTO_CAPTIONS = [
    ("Toàn cảnh {place} nhìn từ trên cao", "Toàn cảnh thành phố ven biển với những dãy núi đá vôi phía xa"),
    (
        "Người dân {place} làm thủ tục tại bộ phận một cửa",
        "Người dân ngồi chờ làm thủ tục trước quầy giao dịch",
    ),
    (
        "Bến thuyền du lịch ở {place} vào sáng sớm",
        "Những chiếc thuyền du lịch neo đậu trên vịnh lúc bình minh",
    ),
    ("Nông dân {place} thu hoạch vụ mới", "Nông dân đội nón thu hoạch lúa trên cánh đồng vàng"),
]


# Videos and posts embedded in a few generated articles (by their number), placed after the second block. The
# addresses are the providers' own documentation examples.
EMBEDS = {
    4: ("https://www.facebook.com/20531316728/posts/10154009990506729/", "Bài đăng của ban tổ chức lễ hội"),
    5: ("https://www.youtube.com/watch?v=M7lc1UVf-VE", "Toàn cảnh điểm đến nhìn từ flycam"),
    6: ("https://www.tiktok.com/@scout2015/video/6718335390845095173", "Khoảnh khắc về đích"),
    9: ("https://www.facebook.com/facebook/videos/10153231379946729/", "Người dân chia sẻ về con đường mới"),
    11: ("https://twitter.com/Interior/status/463440424141459456", ""),
}


def generated_articles(count, seed=2017):
    """`count` articles spread over the last two years (as minutes before now); the same ones for the same seed."""
    rng = random.Random(seed)
    section_slugs = [slug for _name, slug, _description in SECTIONS]
    byline_names = [name for name, _role, _bio in BYLINES]
    total_minutes = 2 * 365 * 24 * 60
    for index in range(count):
        section = section_slugs[index % len(section_slugs)]
        place = rng.choice(PLACES)
        template, topic = rng.choice(TOPICS[section])
        words = {"place": place, "quarter": rng.choice(QUARTERS), "season": rng.choice(SEASONS)}
        minutes_ago = int(total_minutes * (index + rng.random()) / count) + 30
        paragraphs = rng.sample(BODY_PARAGRAPHS, 4)
        body = [("p", paragraphs[0].format(**words)), ("h2", rng.choice(SUBHEADINGS))]
        body += [("p", paragraph.format(**words)) for paragraph in paragraphs[1:]]
        quote_text, quote_name, quote_title = rng.choice(QUOTES)
        caption, alt_text = rng.choice(PHOTO_CAPTIONS)
        yield {
            "section": section,
            "title": template.format(**words),
            "minutes_ago": minutes_ago,
            "bylines": rng.sample(byline_names, rng.choice([1, 1, 2, 2, 3])),
            "tags": [topic, place],
            "lead": " ".join(sentence.format(**words) for sentence in rng.sample(LEAD_SENTENCES, 2)),
            "body": body,
            "pull_quote": {
                "text": quote_text,
                "attribution_name": quote_name,
                "attribution_title": quote_title,
                "placement": 2,
            }
            if index % 3 == 0
            else None,
            "embed": {"url": EMBEDS[index][0], "caption": EMBEDS[index][1], "placement": 2}
            if index in EMBEDS
            else None,
            "photo": {
                "caption": caption.format(**words),
                "credit": "Xuân Việt",
                "alt_text": alt_text,
                "placement": 0,
            }
            # Every other article of each section has a photo (not every other article overall: with eight
            # sections that would leave four of them without a single picture).
            if (index + index // len(section_slugs)) % 2 == 0
            else None,
        }


# Articles at each step of the workflow, so that the editorial dashboard has something in every queue.
# Steps: (transition, account, options); "tomorrow 06:00" is resolved by load_demo in the newsroom's zone.
WORKFLOW_ARTICLES = [
    {
        "title": "Ngư dân Cô Tô vươn khơi sau bão",
        "section": "dia-phuong",
        "lead": "Ngay khi biển lặng, hàng trăm tàu cá của huyện đảo Cô Tô đã trở lại ngư trường, mang theo kỳ vọng về "
        "một chuyến biển bội thu.",
        "body": [
            "Từ sáng sớm, cảng cá Cô Tô đã nhộn nhịp tiếng máy nổ. Các chủ tàu kiểm tra lại ngư lưới cụ, nhiên liệu "
            "và nước ngọt trước khi xuất bến.",
            "Ông Trần Văn Lợi, chủ tàu QN 90125, cho biết: “Nghỉ gần một tuần tránh bão, anh em ai cũng nóng ruột. "
            "Giờ biển êm rồi thì đi ngay.”",
        ],
        "steps": [],
    },
    {
        "title": "Hạ Long thí điểm xe buýt điện ven vịnh",
        "section": "kinh-te",
        "lead": "Tuyến xe buýt điện đầu tiên của thành phố chạy dọc bờ vịnh từ Bãi Cháy đến Hòn Gai, 15 phút một "
        "chuyến.",
        "body": [
            "Tuyến dài 18 km, có 24 điểm dừng, phục vụ từ 5 giờ 30 đến 22 giờ hằng ngày.",
            "Trong tháng đầu, hành khách được miễn phí vé để làm quen với phương tiện mới.",
        ],
        "steps": [("submit", "reporter", {"editor": "editor", "comment": "Có ảnh tuyến xe ở bài sau."})],
    },
    {
        "title": "Trường học vùng cao Bình Liêu có thư viện mới",
        "section": "xa-hoi",
        "lead": "Hơn 600 học sinh bán trú ở Bình Liêu đã có thư viện thân thiện với gần 3.000 đầu sách.",
        "body": [
            "Thư viện được xây bằng nguồn xã hội hóa, có góc đọc ngoài trời và khu kể chuyện cho học sinh nhỏ.",
            "Các thầy cô luân phiên mở cửa thư viện cả buổi tối để học sinh bán trú đến đọc.",
        ],
        "steps": [("submit", "reporter", {}), ("approve", "editor", {})],
    },
    {
        "title": "Khai mạc Tuần Văn hóa - Du lịch Vân Đồn",
        "section": "van-hoa",
        "lead": "Tuần Văn hóa - Du lịch Vân Đồn năm nay có hơn 30 hoạt động, từ đua thuyền truyền thống đến chợ "
        "phiên ẩm thực biển.",
        "body": [
            "Lễ khai mạc diễn ra tại quảng trường trung tâm huyện với chương trình nghệ thuật về biển đảo.",
            "Ban tổ chức dự kiến đón khoảng 50.000 lượt khách trong tuần lễ.",
        ],
        "steps": [("submit", "reporter", {}), ("publish", "editor", {"when": "tomorrow 06:00"})],
    },
    {
        "title": "Giá thuê phòng trọ khu công nghiệp tăng mạnh",
        "section": "kinh-te",
        "lead": "Giá phòng trọ quanh các khu công nghiệp ở Quảng Yên tăng 20-30% so với đầu năm khiến nhiều công "
        "nhân chật vật.",
        "body": [
            "Theo khảo sát, một phòng khoảng 15 m² hiện có giá từ 1,5 đến 2 triệu đồng mỗi tháng.",
            "Nhiều doanh nghiệp đã tính đến phương án xây nhà ở cho công nhân.",
        ],
        "steps": [
            ("submit", "reporter", {}),
            (
                "send_back",
                "editor",
                {
                    "comment": "Cần thêm ý kiến của Ban Quản lý các khu công nghiệp và số liệu chính thức về giá "
                    "thuê; đoạn hai thiếu nguồn."
                },
            ),
        ],
    },
]
