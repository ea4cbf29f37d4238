"""The two real articles of the reference page, as the demo newsroom publishes them."""

REFERENCE_ARTICLE = {
    "section": "dia-phuong",
    "title": "Xác định nhiệm vụ trọng tâm, cụ thể",
    "published_at": (2017, 9, 29, 7, 7),
    "byline": "Lê Tùng",
    "tags": ["Quảng Ninh", "Cải cách hành chính", "Kỷ luật hành chính"],
    "lead": (
        "Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề công tác năm khá cô đọng: “Tăng cường kỷ luật, kỷ cương "
        "hành chính; xây dựng nếp sống văn hóa, văn minh”. Đây là cơ sở để các địa phương, đơn vị chủ động xây "
        "dựng chương trình hành động, gắn với nhiệm vụ trọng tâm và triển khai tới toàn hệ thống chính trị..."
    ),
    "body": [
        ("h2", "Tập trung nâng cao chất lượng công vụ"),
        (
            "p",
            "Là địa phương, mà theo lời Chủ tịch Phòng Thương mại và Công nghiệp Việt Nam Vũ Tiến Lộc - ngôi sao "
            "của cải cách hành chính (CCHC), Quảng Ninh không muốn và không để đâu đó trong bộ máy công quyền những "
            "điều tiếng ảnh hưởng đến hình ảnh tập thể. Việc giữ cái danh ấy cần được quan tâm thích đáng, bởi thực "
            "chất, CCHC là yếu tố cốt lõi giúp Quảng Ninh tăng trưởng mạnh mẽ như 5 năm qua. Điểm nhấn của chính "
            "quyền chính là việc xây dựng các Trung tâm Hành chính công trên cơ sở kết quả nghiên cứu học tập mô "
            "hình tại một số nước và căn cứ vào tình hình thực tiễn của tỉnh. Ngoài Trung tâm Hành chính công tỉnh "
            "được Thủ tướng Chính phủ cho phép thí điểm, trong thời gian 4 năm, tỉnh đã thí điểm thành lập Trung "
            "tâm hành chính cấp huyện ở 14 địa phương theo nguyên tắc “tiếp nhận, thẩm định và phê duyệt tại chỗ” "
            "bảo đảm thuận tiện, công khai, minh bạch; người dân và doanh nghiệp chỉ đến một địa chỉ để giải quyết "
            "thủ tục hành chính.",
        ),
        (
            "p",
            "Trở lại chủ đề công tác năm, trên thực tế, kỷ luật, kỷ cương hành chính với Quảng Ninh không mới. "
            "Nhưng gắn cụm từ trên với nếp sống văn minh cho thấy sự tinh tế của lãnh đạo địa phương khi đặt nhiệm "
            "vụ chính trị bên cạnh sự phát triển của xã hội. Còn nhớ tại Kỳ họp HĐND tỉnh cuối năm 2016, Bí thư "
            "Tỉnh ủy, Chủ tịch HĐND tỉnh Nguyễn Văn Đọc một lần nữa khẳng định: Mục tiêu cao nhất của kỷ luật hành "
            "chính là để xây dựng chính quyền phục vụ. Tỉnh có văn minh, hiện đại, thì tỉnh cũng phải ngăn chặn, "
            "đẩy lùi được sự suy thoái về đạo đức, lối sống trong mỗi đảng viên, cán bộ, công chức, viên chức. Đồng "
            "thời mỗi cán bộ, mỗi công chức phải tự giác nâng cao vai trò nêu gương, đạo đức công vụ, tinh thần, "
            "thái độ, ý thức, văn hóa ứng xử, từ đó lan tỏa tới các tầng lớp nhân dân, xây dựng nếp sống văn hóa, "
            "văn minh. Việc nâng cao kỷ luật, kỷ cương hành chính sẽ trực diện góp phần nâng cao tính minh bạch, "
            "trách nhiệm trong thực thi công vụ, chống lợi ích cục bộ, lợi ích nhóm trong xây dựng cơ chế, chính "
            "sách và hành động...",
        ),
        ("h2", "Thi đua và đổi mới"),
        (
            "p",
            "Với tinh thần đó, bắt tay vào thực hiện chủ đề công tác năm, các cấp ủy, chính quyền đã chỉ đạo cơ "
            "quan, đơn vị xây dựng kế hoạch rà soát, sửa đổi quy chế làm việc, bổ sung vào quy chế những quy định "
            "về thái độ, trách nhiệm làm việc, văn hóa giao tiếp, ứng xử nơi công sở. Qua đó, bước đầu đã có hiệu "
            "quả tương đối rõ nét, nhất là thực hiện tốt chủ trương về trách nhiệm nêu gương của người đứng đầu, về "
            "trách nhiệm, thái độ ứng xử, giao tiếp của cán bộ, công chức, viên chức đối với tổ chức, cá nhân được "
            "nâng lên rõ rệt. Đặc biệt, để kỷ luật, kỷ cương hành chính bảo đảm thực chất, các đơn vị còn thành lập "
            "tổ công tác kiểm tra thường xuyên, đột xuất việc chấp hành quy chế, lề lối làm việc của cán bộ, công "
            "chức, viên chức để kịp thời phát hiện những hành vi sai phạm, tiêu cực.",
        ),
        (
            "p",
            "Song song với tăng cường kỷ luật, kỷ cương hành chính, trong xây dựng nếp sống văn hóa, văn minh, các "
            "địa phương, đơn vị cũng đã xây dựng bộ quy tắc ứng xử, quy định về việc thực hiện văn hóa công sở, ứng "
            "xử của cán bộ, công chức, viên chức và người lao động. Đặc biệt là toàn hệ thống đã triển khai sâu "
            "rộng, hiệu quả cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”, phong trào "
            "“Toàn dân đoàn kết xây dựng đời sống văn hóa”...",
        ),
        (
            "p",
            "Các cơ quan, đơn vị, địa phương còn triển khai ký cam kết thực hiện chủ đề công tác năm đối với tập thể "
            "cũng như cán bộ, công chức, viên chức và người lao động. Trong đó, nhiều địa phương, đơn vị đã xác định "
            "nhiệm vụ cụ thể trọng tâm, như: TP Hạ Long tiếp tục đẩy mạnh triển khai có hiệu quả các nội dung của Bộ "
            "quy tắc ứng xử “Nụ cười Hạ Long”; đẩy mạnh phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa TP "
            "Hạ Long năm 2017”. TP Cẩm Phả thực hiện Bộ quy tắc ứng xử văn minh du lịch... Điều đặc biệt là MTTQ và "
            "các đoàn thể chính trị - xã hội đều phát huy được vai trò nòng cốt, lựa chọn các mô hình và đã triển "
            "khai thành công tại một số huyện, thị xã, thành phố.",
        ),
    ],
    # Placements count the body's blocks: 1 is after the first sub-heading, 3 after the second paragraph.
    "pull_quote": {
        "text": (
            "“Từ đầu năm, Thường trực HĐND tỉnh đã tổ chức 10 cuộc giám sát, khảo sát để kiểm soát việc thực hiện "
            "các cơ chế, chính sách HĐND đã ban hành. Đồng thời kiến nghị UBND tỉnh, cơ quan chức năng khắc phục một "
            "số tồn tại, hạn chế trong công tác quản lý nhà nước. Đây chính là những đóng góp trực diện của cơ quan "
            "quyền lực cao nhất tại địa phương vào công tác giám sát việc thực hiện chủ đề công tác năm một cách "
            "hiệu quả, trách nhiệm nhất”."
        ),
        "attribution_name": "Nguyễn Văn Đọc",
        "attribution_title": "Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
        "placement": 1,
    },
    "photo": {
        "caption": (
            "Ủy viên Bộ Chính trị, Phó Thủ tướng Trương Hòa Bình thăm Trung tâm Hành chính công tỉnh Quảng Ninh"
        ),
        "credit": "Xuân Việt",
        "alt_text": "Phó Thủ tướng Trương Hòa Bình cùng cán bộ trong sảnh Trung tâm Hành chính công tỉnh Quảng Ninh",
        "placement": 3,
    },
}

OTHER_NEWS_ARTICLE = {
    "section": "trao-doi-kinh-nghiem",
    "title": "Gỡ “nút thắt” để hợp tác xã phát triển bền vững",
    "published_at": (2016, 4, 6, 8, 9),
    "byline": "Thu Chung",
    "tags": ["Hợp tác xã", "Kinh tế tập thể", "Hòa Bình"],
    "lead": (
        "Phát triển mô hình Hợp tác xã (HTX) phù hợp với nhu cầu thực tế của nông dân, lao động nghèo, đặc biệt "
        "càng phù hợp hơn đối với những địa phương có khu vực nông thôn miền núi. Với đóng góp vào ngân sách chung "
        "của tỉnh mỗi năm khoảng 0,4%, Hòa Bình mong muốn nhân rộng và phát triển mô hình kinh tế nòng cốt này. "
        "Tuy nhiên, làm thế nào để HTX thực sự “lột xác” và phát triển bền vững là bài toán khó, phải “gỡ” nhiều "
        "“nút thắt”..."
    ),
    "body": [
        (
            "p",
            "Toàn tỉnh Hòa Bình hiện có hơn 200 HTX hoạt động trong các lĩnh vực nông nghiệp, tiểu thủ công nghiệp, "
            "thương mại và dịch vụ. Nhiều HTX đã mạnh dạn đổi mới cách làm, liên kết với doanh nghiệp để bao tiêu "
            "sản phẩm cho xã viên, giúp người dân yên tâm sản xuất.",
        ),
        ("h2", "Thiếu vốn, thiếu người giỏi quản lý"),
        (
            "p",
            "Tuy vậy, phần lớn HTX vẫn có quy mô nhỏ, vốn điều lệ thấp, khó tiếp cận nguồn vay ưu đãi. Đội ngũ cán "
            "bộ quản lý chủ yếu kiêm nhiệm, chưa được đào tạo bài bản về quản trị, kế toán và thị trường.",
        ),
        ("h2", "Liên kết chuỗi giá trị"),
        (
            "p",
            "Kinh nghiệm từ các mô hình thành công cho thấy, HTX chỉ phát triển bền vững khi tham gia được vào "
            "chuỗi giá trị: từ cung ứng giống, vật tư, hướng dẫn kỹ thuật đến chế biến và tiêu thụ sản phẩm có "
            "thương hiệu. Tỉnh đang hoàn thiện cơ chế hỗ trợ để nhân rộng những cách làm này.",
        ),
    ],
    "pull_quote": {
        "text": "“HTX phải lấy lợi ích của xã viên làm thước đo cho mọi hoạt động của mình.”",
        "attribution_name": "Bùi Văn Tỉnh",
        "attribution_title": "Bí thư Tỉnh ủy Hòa Bình",
        "placement": 3,
    },
    "photo": {
        "caption": "Xã viên HTX chăm sóc vườn cam tại huyện Cao Phong",
        "credit": "Thu Chung",
        "alt_text": "Hai xã viên hợp tác xã tỉa cành trong vườn cam trĩu quả",
        "placement": 1,
    },
}
